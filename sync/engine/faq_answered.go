package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/rules/response"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// faqPostKey is the reply key of the answer posted from suggestion key.
func faqPostKey(key string) string { return "faq-post/" + key }

// faqAnswer is what became of an answer an account manager chose to post
// from a suggestion, as the response rule takes it: when it reached Slack,
// a message of the AM's in the client's thread (ok); when it never will (its
// delivery failed), nothing.
type faqAnswer struct {
	msg response.Msg
	ok  bool
	at  time.Time // of the click, to forget it after the lookback
}

// faqAnswerCache remembers the posted answers whose fate is settled, by
// the id of their faq.posted audit entry: a delivery sent or failed does
// not change, so each is read from the store once, not at every run of
// the response rule.
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
			var settled bool
			if ans, settled, err = e.faqAnswer(ctx, cfg, a); err != nil {
				return nil, err
			} else if !settled {
				continue // still in the outbox: looked up again at the next run
			}
			c.byID[a.ID] = ans
		}
		if ans.ok {
			out = append(out, ans.msg)
		}
	}
	return out, nil
}

// faqAnswer looks up the answer posted for the faq.posted audit entry a.
// settled is false while its delivery is still on its way.
func (e *Engine) faqAnswer(ctx context.Context, cfg *configs.Config, a store.AuditEntry) (ans faqAnswer, settled bool, err error) {
	ans.at = a.Time
	key := faqActedKey(a.Detail)
	if key == "" {
		return ans, true, nil
	}
	d, err := e.st.GetDelivery(ctx, deliver.ReplyDeliveryKey(faqPostKey(key)))
	if errors.Is(err, store.ErrNotFound) {
		return ans, true, nil
	}
	if err != nil {
		return ans, false, fmt.Errorf("loading the answer posted for %s: %w", key, err)
	}
	switch {
	case d.State == store.DeliveryFailed:
		return ans, true, nil
	case d.State != store.DeliverySent || d.SlackTS == "":
		return ans, false, nil
	}
	var sg faqSuggestion
	if err := getJSON(ctx, e.st, faqSuggestionKey+key, &sg); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return ans, true, nil
		}
		return ans, false, fmt.Errorf("loading suggestion %q: %w", key, err)
	}
	ans.msg = response.Msg{Channel: sg.Channel, TS: d.SlackTS, ThreadTS: sg.ThreadTS, Side: SideAgency}
	if p := cfg.PersonBySlackID(strings.TrimPrefix(a.Actor, "slack:")); p != nil {
		ans.msg.PersonID = p.ID
	}
	ans.ok = true
	return ans, true, nil
}

// faqActedDetail is the detail of the faq.posted or faq.rejected audit
// entry of a click on sg; faqActedKey reads the suggestion's key back.
func faqActedDetail(sg faqSuggestion) string {
	return fmt.Sprintf("entry=%s client=%s message=%s", sg.Entry, sg.Client, faq.SuggestionKey(sg.Channel, sg.TS))
}

// faqActedKey returns the suggestion key of a faqActedDetail, or "".
func faqActedKey(detail string) string {
	for _, f := range strings.Fields(detail) {
		if v, ok := strings.CutPrefix(f, "message="); ok {
			return v
		}
	}
	return ""
}
