package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/rules/response"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// faqPostKey is the reply key of the answer posted from suggestion key.
func faqPostKey(key string) string { return "faq-post/" + key }

// faqAnswer is an answer an account manager chose to post from a
// suggestion, as the response rule takes it: a message of the AM's in the
// client's thread, at the moment Slack took it.
type faqAnswer struct {
	msg response.Msg
	at  time.Time // of the click, to forget it after the lookback
}

// faqAnswerCache remembers the posted answers already looked up, by the
// id of their faq.posted audit entry: a sent delivery does not change,
// so each is read from the store once, not at every run of the response
// rule.
type faqAnswerCache struct {
	mu   sync.Mutex
	byID map[int64]faqAnswer
}

// faqAnswered returns the answers the AMs posted from suggestions since
// since, as agency messages of the person who chose each. Liaison posts
// them, and its own messages are not stored (bots never answer for a
// side), but the client got the answer the AM picked, in the AM's name:
// the response rule must count it as the AM's reply.
func (e *Engine) faqAnswered(ctx context.Context, cfg *configs.Config, since time.Time) ([]response.Msg, error) {
	posted, err := e.st.ListAudit(ctx, store.AuditFilter{Since: since, Action: faqAuditPosted})
	if err != nil {
		return nil, fmt.Errorf("loading posted answers: %w", err)
	}
	c := &e.faqAnswers
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil {
		c.byID = map[int64]faqAnswer{}
	}
	for id, a := range c.byID {
		if a.at.Before(since) {
			delete(c.byID, id)
		}
	}
	var out []response.Msg
	for _, a := range posted {
		ans, ok := c.byID[a.ID]
		if !ok {
			if ans, ok, err = e.faqAnswer(ctx, cfg, a); err != nil {
				return nil, err
			} else if !ok {
				continue // not in Slack yet: looked up again at the next run
			}
			c.byID[a.ID] = ans
		}
		out = append(out, ans.msg)
	}
	return out, nil
}

// faqAnswer looks up the answer posted for the faq.posted audit entry a:
// false until its delivery has been sent.
func (e *Engine) faqAnswer(ctx context.Context, cfg *configs.Config, a store.AuditEntry) (faqAnswer, bool, error) {
	key := auditField(a.Detail, "message")
	if key == "" {
		return faqAnswer{}, false, nil
	}
	d, err := e.st.GetDelivery(ctx, deliver.ReplyDeliveryKey(faqPostKey(key)))
	if errors.Is(err, store.ErrNotFound) {
		return faqAnswer{}, false, nil
	}
	if err != nil {
		return faqAnswer{}, false, fmt.Errorf("loading the answer posted for %s: %w", key, err)
	}
	if d.State != store.DeliverySent || d.SlackTS == "" {
		return faqAnswer{}, false, nil
	}
	var sg faqSuggestion
	if err := getJSON(ctx, e.st, faqSuggestionKey+key, &sg); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return faqAnswer{}, false, nil
		}
		return faqAnswer{}, false, fmt.Errorf("loading suggestion %q: %w", key, err)
	}
	m := response.Msg{Channel: sg.Channel, TS: d.SlackTS, ThreadTS: sg.ThreadTS, Side: SideAgency}
	if p := cfg.PersonBySlackID(strings.TrimPrefix(a.Actor, "slack:")); p != nil {
		m.PersonID = p.ID
	}
	return faqAnswer{msg: m, at: a.Time}, true, nil
}

// auditField returns the value of name in an audit detail of
// space-separated name=value pairs, or "".
func auditField(detail, name string) string {
	for _, f := range strings.Fields(detail) {
		if v, ok := strings.CutPrefix(f, name+"="); ok {
			return v
		}
	}
	return ""
}
