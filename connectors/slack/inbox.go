package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Inbox records Socket Mode deliveries durably before they are
// acknowledged: Slack never resends an acknowledged envelope, so a delivery
// acknowledged but only queued in memory would be lost to a kill. Entries
// are handled by whoever claims them and deleted once handled; those left
// by a stopped or killed process are handled at the next start, on each
// reconnection and on a periodic sweep, oldest first.
type Inbox interface {
	// Put records e unless an entry with its key is already there. It is
	// one small write: it runs within Slack's three-second ack deadline.
	Put(ctx context.Context, e InboxEntry) error
	// Claim takes the entry key for handling and reports whether this
	// process got it: false when another process holds it or it is gone
	// (already handled).
	Claim(ctx context.Context, key string) (bool, error)
	// Done deletes key once handled.
	Done(ctx context.Context, key string) error
	// Pending lists the entries nobody holds, oldest first.
	Pending(ctx context.Context) ([]InboxEntry, error)
}

// InboxEntry is one recorded delivery: the envelope's payload as Slack sent
// it (events_api or interactive). It may hold message text, never a token;
// it is never logged.
type InboxEntry struct {
	Key     string
	Kind    string
	Payload []byte
	// Claimed reports that a process took the entry before and did not
	// finish it: it may have been partly handled.
	Claimed bool
}

// inboxPutTimeout keeps the record within Slack's ack deadline: past it the
// envelope is left unacknowledged and Slack redelivers it.
const inboxPutTimeout = 2 * time.Second

// InboxSweep is how often the worker looks for entries left unhandled, such
// as those of a replica that died holding a claim.
const InboxSweep = time.Minute

// record writes j's delivery to the inbox before it is acknowledged. It
// reports false when the store could not take it: the envelope is then not
// acknowledged, so that Slack redelivers it, and j is forgotten in memory
// so that the redelivery is handled.
func (s *SocketMode) record(ctx context.Context, r *receiver, req *socketmode.Request, j *job) bool {
	if s.opts.Inbox == nil || j.key == "" || req == nil {
		return true
	}
	pctx, cancel := context.WithTimeout(ctx, inboxPutTimeout)
	defer cancel()
	err := s.opts.Inbox.Put(pctx, InboxEntry{Key: j.key, Kind: req.Type, Payload: req.Payload})
	if err != nil {
		r.seen.forget(j.key)
		if ctx.Err() == nil {
			s.opts.Logger.Warn("slack delivery not recorded, so not acknowledged; Slack will redeliver it",
				append(j.describe(), "err", err)...)
		}
		return false
	}
	j.inbox = true
	return true
}

// replay handles the inbox entries nobody holds, oldest first.
func (s *SocketMode) replay(ctx context.Context, r *receiver) {
	if s.opts.Inbox == nil {
		return
	}
	es, err := s.opts.Inbox.Pending(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.opts.Logger.Warn("listing unhandled slack deliveries failed; retrying on the next sweep", "err", err)
		}
		return
	}
	for _, e := range es {
		if ctx.Err() != nil {
			return
		}
		j, ok, err := r.decodeEntry(e)
		if err != nil {
			s.opts.Logger.Error("recorded slack delivery unreadable, dropped", "key", e.Key, "kind", e.Kind, "err", err)
		}
		if !ok {
			if err := s.opts.Inbox.Done(ctx, e.Key); err != nil {
				s.opts.Logger.Warn("deleting an unusable slack delivery", "key", e.Key, "err", err)
			}
			continue
		}
		r.seen.firstTime(j.key) // a redelivery of it now is a repeat
		r.handle(ctx, j)
	}
}

// decodeEntry rebuilds the job of a recorded delivery. ok is false for
// deliveries Liaison does not use.
func (r *receiver) decodeEntry(e InboxEntry) (job, bool, error) {
	var (
		j  job
		ok bool
	)
	switch e.Kind {
	case socketmode.RequestTypeEventsAPI:
		api, err := slackevents.ParseEvent(json.RawMessage(e.Payload), slackevents.OptionNoVerifyToken())
		if err != nil {
			return job{}, false, fmt.Errorf("parsing events_api payload: %w", err)
		}
		j, ok = r.convertEventsAPI(api)
	case socketmode.RequestTypeInteractive:
		var cb slack.InteractionCallback
		if err := json.Unmarshal(e.Payload, &cb); err != nil {
			return job{}, false, fmt.Errorf("parsing interactive payload: %w", err)
		}
		j, ok = r.convertInteraction(cb)
	default:
		return job{}, false, fmt.Errorf("unknown kind %q", e.Kind)
	}
	if !ok {
		return job{}, false, nil
	}
	j.key, j.inbox, j.resumed = e.Key, true, e.Claimed
	return j, true, nil
}
