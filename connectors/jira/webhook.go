package jira

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// maxWebhookBody bounds what the handler reads; Jira's issue events are a
// few kilobytes.
const maxWebhookBody = 1 << 20

// WebhookHandler serves Jira Cloud webhooks (mount it at /jira/webhook). A
// request must carry X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body
// keyed by secret>, compared in constant time; anything else gets 401, and
// with an empty secret every request does. A valid event calls onChange
// after the debounce window, once per burst of events: the caller runs an
// incremental pull then. Polling stays the source of truth, so the event's
// content is not trusted beyond "something changed", with one addition:
// a jira:issue_deleted event names an issue id that the next SyncIssues
// looks up (one request per deleted issue; search cannot show a deletion)
// and retires only if Jira answers 404.
func (c *Client) WebhookHandler(secret string, onChange func()) http.Handler {
	d := &debouncer{clock: c.clock, wait: c.debounce, fn: onChange}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
			return
		}
		if !validSignature(secret, body, r.Header.Get("X-Hub-Signature")) {
			c.log.Warn("jira webhook refused: bad or missing signature", "remote", r.RemoteAddr)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		var ev struct {
			WebhookEvent string `json:"webhookEvent"`
			Issue        struct {
				ID  string `json:"id"`
				Key string `json:"key"`
			} `json:"issue"`
		}
		_ = json.Unmarshal(body, &ev) // a hint only: the pull verifies it
		c.log.Debug("jira webhook received", "event", ev.WebhookEvent, "issue", ev.Issue.Key)
		if ev.WebhookEvent == "jira:issue_deleted" && ev.Issue.ID != "" {
			c.noteDeleted(ev.Issue.ID)
		}
		d.trigger()
		w.WriteHeader(http.StatusNoContent)
	})
}

// maxPendingDeleted bounds the deletion hints kept between pulls; beyond it
// (a mass deletion) the slow reconciliation pass catches the rest.
const maxPendingDeleted = 200

// noteDeleted queues an issue id a webhook reported deleted.
func (c *Client) noteDeleted(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.gone) < maxPendingDeleted && !slices.Contains(c.gone, id) {
		c.gone = append(c.gone, id)
	}
}

// takeDeleted returns and clears the queued deletion hints.
func (c *Client) takeDeleted() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.gone
	c.gone = nil
	return out
}

// requeueDeleted puts back hints a failed pull could not verify.
func (c *Client) requeueDeleted(ids []string) {
	for _, id := range ids {
		c.noteDeleted(id)
	}
}

// validSignature checks a "sha256=<hex>" header against the body's HMAC.
func validSignature(secret string, body []byte, header string) bool {
	if secret == "" {
		return false
	}
	algo, sig, ok := strings.Cut(strings.TrimSpace(header), "=")
	if !ok || !strings.EqualFold(algo, "sha256") {
		return false
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// debouncer calls fn once, wait after the first trigger of a burst.
type debouncer struct {
	clock clock.Clock
	wait  time.Duration
	fn    func()

	mu      sync.Mutex
	pending bool
}

func (d *debouncer) trigger() {
	if d.fn == nil {
		return
	}
	d.mu.Lock()
	if d.pending {
		d.mu.Unlock()
		return
	}
	d.pending = true
	ch := d.clock.After(d.wait)
	d.mu.Unlock()
	go func() {
		<-ch
		d.mu.Lock()
		d.pending = false
		d.mu.Unlock()
		d.fn()
	}()
}
