package slack

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// DefaultQueueSize bounds the events acknowledged but not yet handled.
const DefaultQueueSize = 1024

// job is one acknowledged delivery waiting for the Handler.
type job struct {
	key     string
	event   *Event
	actions []Action
	// inbox is set when the delivery is recorded in the Inbox: it is
	// claimed before and deleted after handling.
	inbox bool
	// resumed is set for an inbox entry a process claimed and did not
	// finish: it is handled even if the EventLog has it, since that
	// process may have died between recording it and handling it.
	resumed bool
}

// receiver is what Socket Mode and the HTTP Events API share: dedupe,
// conversion into Events and Actions, and one worker that calls the
// Handler in arrival order.
type receiver struct {
	h    Handler
	log  *slog.Logger
	seen *dedupe  // in this process, from arrival: keeps repeats out of the queue
	done EventLog // shared, from handling: repeats across restarts and replicas; may be nil
	box  Inbox    // durable record of deliveries acknowledged but not yet handled; may be nil
	self Identity
	q    chan job
}

// eventJob dedupes and converts an events_api delivery. ok is false for
// repeats and for events Liaison does not use.
func (r *receiver) eventJob(api slackevents.EventsAPIEvent, retry int) (job, bool) {
	cb, isCB := api.Data.(*slackevents.EventsAPICallbackEvent)
	if api.Type != slackevents.CallbackEvent || !isCB {
		if api.Type == slackevents.AppRateLimited {
			r.log.Warn("slack stopped sending events for a minute: app rate limited", "team", api.TeamID)
		}
		return job{}, false
	}
	if !r.seen.firstTime(cb.EventID) {
		r.log.Debug("slack event already handled", "event_id", cb.EventID, "retry", retry)
		return job{}, false
	}
	return r.convertEventsAPI(api)
}

// convertEventsAPI turns an events_api delivery into a job, without
// deduping. ok is false for events Liaison does not use.
func (r *receiver) convertEventsAPI(api slackevents.EventsAPIEvent) (job, bool) {
	cb, isCB := api.Data.(*slackevents.EventsAPICallbackEvent)
	if api.Type != slackevents.CallbackEvent || !isCB {
		return job{}, false
	}
	e, ok, err := convertEvent(cb, api.InnerEvent, r.self)
	if err != nil {
		r.log.Error("slack event unreadable, dropped", "event_id", cb.EventID, "type", api.InnerEvent.Type, "err", err)
		return job{}, false
	}
	if !ok {
		r.log.Debug("slack event ignored", "event_id", cb.EventID, "type", api.InnerEvent.Type)
		return job{}, false
	}
	return job{key: cb.EventID, event: &e}, true
}

// actionJob dedupes and converts an interaction; only block_actions are
// used.
func (r *receiver) actionJob(cb slack.InteractionCallback) (job, bool) {
	j, ok := r.convertInteraction(cb)
	if !ok {
		return job{}, false
	}
	if !r.seen.firstTime(j.key) {
		r.log.Debug("slack interaction already handled", "action_id", j.actions[0].ActionID)
		return job{}, false
	}
	return j, true
}

// convertInteraction turns an interaction into a job, without deduping.
func (r *receiver) convertInteraction(cb slack.InteractionCallback) (job, bool) {
	acts := convertActions(cb)
	if len(acts) == 0 {
		r.log.Debug("slack interaction ignored", "type", cb.Type)
		return job{}, false
	}
	return job{key: actionKey(cb), actions: acts}, true
}

// handle calls the Handler, unless the shared EventLog says an earlier
// process or another replica already handled j; failures are logged, never
// silent, and forgotten by the log so that a later delivery is handled.
// A recorded job is claimed first and deleted from the Inbox after the
// Handler returns, unless ctx ended under it: then it stays for the next
// run.
func (r *receiver) handle(ctx context.Context, j job) {
	if j.inbox && !r.claim(ctx, j) {
		return
	}
	if j.resumed {
		_ = r.firstHandling(ctx, j) // record it; handle regardless
	} else if !r.firstHandling(ctx, j) {
		r.finish(ctx, j)
		return
	}
	failed := false
	if j.event != nil {
		e := j.event
		if err := r.h.HandleEvent(ctx, *e); err != nil {
			failed = true
			r.log.Error("handling slack event failed", "event_id", e.EventID, "kind", e.Kind, "channel", e.Channel,
				"ts", e.TS, "err", err)
		}
	}
	for _, a := range j.actions {
		if err := r.h.HandleAction(ctx, a); err != nil {
			failed = true
			r.log.Error("handling slack action failed", "action_id", a.ActionID, "user", a.UserID,
				"channel", a.ChannelID, "message_ts", a.MessageTS, "err", err)
		}
	}
	if failed && ctx.Err() != nil && j.inbox {
		r.log.Warn("slack delivery interrupted by shutdown; it is handled again after its claim runs out", j.describe()...)
		return
	}
	if failed && r.done != nil && j.key != "" {
		if err := r.done.Forget(context.WithoutCancel(ctx), j.key); err != nil {
			r.log.Warn("forgetting a failed slack event; a redelivery of it will be skipped", append(j.describe(), "err", err)...)
		}
	}
	r.finish(ctx, j)
}

// claim takes a recorded job for this process. When the Inbox cannot
// answer, j is handled: a repeat is safer than a loss.
func (r *receiver) claim(ctx context.Context, j job) bool {
	ok, err := r.box.Claim(ctx, j.key)
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		r.log.Warn("claiming a recorded slack delivery failed; handling it", append(j.describe(), "err", err)...)
		return true
	}
	if !ok {
		r.log.Debug("slack delivery handled or held by another run or replica", j.describe()...)
	}
	return ok
}

// finish deletes a recorded job from the Inbox.
func (r *receiver) finish(ctx context.Context, j job) {
	if !j.inbox {
		return
	}
	if err := r.box.Done(context.WithoutCancel(ctx), j.key); err != nil {
		r.log.Warn("deleting a handled slack delivery failed; it may be handled again", append(j.describe(), "err", err)...)
	}
}

// firstHandling asks the shared EventLog whether j is new. Without a log or
// a key, and when the log cannot answer, j is handled.
func (r *receiver) firstHandling(ctx context.Context, j job) bool {
	if r.done == nil || j.key == "" {
		return true
	}
	first, err := r.done.FirstTime(ctx, j.key)
	if err != nil {
		r.log.Warn("checking whether a slack event was handled failed; handling it", append(j.describe(), "err", err)...)
		return true
	}
	if !first {
		r.log.Debug("slack event already handled by an earlier run or another replica", j.describe()...)
	}
	return first
}

// describe names a job in logs.
func (j job) describe() []any {
	if j.event != nil {
		return []any{"event_id", j.event.EventID, "kind", j.event.Kind, "channel", j.event.Channel, "ts", j.event.TS}
	}
	if len(j.actions) > 0 {
		return []any{"action_id", j.actions[0].ActionID, "channel", j.actions[0].ChannelID, "message_ts", j.actions[0].MessageTS}
	}
	return nil
}

// usedEventTypes are the inner event types convertEvent reads.
var usedEventTypes = map[string]bool{"message": true, "app_mention": true, "reaction_added": true,
	"member_joined_channel": true}

// eventProbe is the little of an Events API body needed to log or skip it
// when slack-go cannot decode it.
type eventProbe struct {
	Type    string `json:"type"`
	EventID string `json:"event_id"`
	Event   struct {
		Type string `json:"type"`
	} `json:"event"`
}

func probeEvent(body []byte) eventProbe {
	var p eventProbe
	_ = json.Unmarshal(body, &p)
	return p
}
