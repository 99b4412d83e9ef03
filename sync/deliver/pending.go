package deliver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

// Alert states as `liaison alerts list` shows them.
const (
	// AlertPending is a notification that goes out at the next delivery
	// run: nothing holds it.
	AlertPending = "pending"
	// AlertDeferred is a notification held by something: the recipient's
	// working hours, grouping with other alerts, a silence, the daily
	// digest, Slack's pace or an escalation timer. Wait says which.
	AlertDeferred = "deferred"
	// AlertSent is a notification in a message Slack accepted; it repeats
	// at PlannedAt while the finding stays open and unacknowledged.
	AlertSent = "sent"
	// AlertFailed is a notification whose message Slack refused for good.
	AlertFailed = "failed"
)

// Alert is one notification (a finding for one recipient) with when it is
// planned to go and what it waits for, like `amtool alert query` shows.
type Alert struct {
	FindingKey string    `json:"finding"`
	Rule       string    `json:"rule"`
	ClientID   string    `json:"client,omitempty"`
	Subject    string    `json:"subject,omitempty"`
	Severity   string    `json:"severity"`
	Title      string    `json:"title"`
	Recipient  string    `json:"recipient"`
	State      string    `json:"state"`
	Reason     string    `json:"reason"` // why it was planned: new, changed, repeat, escalation...
	PlannedAt  time.Time `json:"planned_at"`
	// Wait says what holds it, in words; empty for pending ones.
	Wait string `json:"wait,omitempty"`
	// WaitKind names the hold for filtering: working_hours, grouping,
	// silence, digest, pacing, rate_limit, retry, escalation_timer, repeat.
	WaitKind string     `json:"wait_kind,omitempty"`
	SentAt   *time.Time `json:"sent_at,omitempty"`
}

// AlertFilter selects alerts. Zero fields do not filter.
type AlertFilter struct {
	ClientID  string
	Recipient string // a person id, or channel:C...
	// State is open (everything not done; the default), pending,
	// deferred, sent or failed.
	State string
}

// AlertStates are the values AlertFilter.State accepts.
var AlertStates = []string{"open", AlertPending, AlertDeferred, AlertSent, AlertFailed}

// ListAlerts returns the live notifications matching f, each with its
// planned time and what it waits for, ordered by planned time. It only
// reads the store.
func ListAlerts(ctx context.Context, st store.Store, dir Directory, now time.Time, f AlertFilter) ([]Alert, error) {
	if f.State != "" && !validAlertState(f.State) {
		return nil, fmt.Errorf("%w: state %q: must be one of %s", store.ErrInvalid, f.State, strings.Join(AlertStates, ", "))
	}
	silences, err := st.ListActiveSilences(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("listing silences: %w", err)
	}
	cfg := dir.DeliveryConfig()
	var out []Alert
	for _, ns := range []store.NotificationState{store.NotifyPending, store.NotifyWaiting, store.NotifySent} {
		list, err := st.ListNotifications(ctx, store.NotificationFilter{State: ns, Recipient: f.Recipient})
		if err != nil {
			return nil, fmt.Errorf("listing notifications: %w", err)
		}
		for _, n := range list {
			fd, err := st.GetFinding(ctx, n.FindingKey)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("reading finding %s: %w", n.FindingKey, err)
			}
			if f.ClientID != "" && fd.ClientID != f.ClientID {
				continue
			}
			a := alertOf(n, fd)
			if err := explain(ctx, st, dir, cfg, silences, now, n, fd, &a); err != nil {
				return nil, err
			}
			if f.State == "" || f.State == "open" || f.State == a.State {
				out = append(out, a)
			}
		}
	}
	sortAlerts(out)
	return out, nil
}

func validAlertState(s string) bool {
	for _, v := range AlertStates {
		if s == v {
			return true
		}
	}
	return false
}

func alertOf(n store.Notification, f rules.Finding) Alert {
	a := Alert{
		FindingKey: f.Key, Rule: f.Rule, ClientID: f.ClientID, Subject: f.Subject.ID,
		Severity: f.Severity.String(), Title: f.Title, Recipient: n.Recipient,
		Reason: n.Reason, PlannedAt: n.DueAt,
	}
	if !n.SentAt.IsZero() {
		t := n.SentAt
		a.SentAt = &t
	}
	return a
}

// explain fills State, PlannedAt and Wait by the same tests the flush and
// the send make, in the order they make them.
func explain(ctx context.Context, st store.Store, dir Directory, cfg Config, silences []store.Silence, now time.Time, n store.Notification, f rules.Finding, a *Alert) error {
	cal := calendarOf(dir, n.Recipient)
	hold := func(kind, format string, args ...any) {
		a.State, a.WaitKind, a.Wait = AlertDeferred, kind, fmt.Sprintf(format, args...)
	}
	switch n.State {
	case store.NotifyWaiting:
		hold("escalation_timer", "escalation timer: goes to %s at %s unless the finding is resolved or acknowledged", n.Recipient, stamp(n.DueAt, dir, n.Recipient))
		return nil
	case store.NotifySent:
		return explainSent(ctx, st, dir, n, a)
	}
	for _, s := range silences {
		if s.Matches(f) {
			hold("silence", "silence %s until %s%s", s.ID, stamp(s.EndsAt, dir, n.Recipient), byWhom(s))
			return nil
		}
	}
	switch {
	case n.Digest:
		hold("digest", "daily digest at %s", stamp(n.DueAt, dir, n.Recipient))
	case !n.Bypass && cal != nil && (!cal.Working(now) || !cal.Working(n.DueAt)):
		// Planned outside the recipient's hours, or planned for the start
		// of them while they are off now: the flush holds it either way.
		at := nextWorking(cal, maxTime(now, n.DueAt))
		a.PlannedAt = at
		hold("working_hours", "working hours: %s is off until %s", n.Recipient, stamp(at, dir, n.Recipient))
	case n.DueAt.After(now):
		hold("grouping", "grouping: waits to join other alerts for %s (group_wait %s, group_interval %s) until %s",
			n.Recipient, cfg.GroupWait, cfg.GroupInterval, stamp(n.DueAt, dir, n.Recipient))
	default:
		a.State = AlertPending
	}
	return nil
}

// explainSent looks at the message that carried a sent notification: still
// in the outbox (paced, rate-limited, retrying), failed, or delivered and
// waiting to repeat.
func explainSent(ctx context.Context, st store.Store, dir Directory, n store.Notification, a *Alert) error {
	a.State = AlertSent
	a.WaitKind, a.Wait = "repeat", fmt.Sprintf("sent; repeats at %s while open and not acknowledged", stamp(n.DueAt, dir, n.Recipient))
	if n.DeliveryKey == "" {
		return nil
	}
	dl, err := st.GetDelivery(ctx, n.DeliveryKey)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading delivery %s: %w", n.DeliveryKey, err)
	}
	switch dl.State {
	case store.DeliveryFailed:
		a.State, a.WaitKind, a.Wait = AlertFailed, "", "Slack refused the message: "+dl.LastError
	case store.DeliveryPending, store.DeliverySending:
		a.State, a.PlannedAt, a.SentAt = AlertDeferred, dl.DueAt, nil
		switch {
		case strings.HasPrefix(dl.LastError, "paced"):
			a.WaitKind, a.Wait = "pacing", fmt.Sprintf("pacing: Slack takes about one message a second per channel; goes at %s", stamp(dl.DueAt, dir, n.Recipient))
		case strings.HasPrefix(dl.LastError, "ratelimited"):
			a.WaitKind, a.Wait = "rate_limit", fmt.Sprintf("Slack rate limit; goes at %s", stamp(dl.DueAt, dir, n.Recipient))
		case dl.LastError != "":
			a.WaitKind, a.Wait = "retry", fmt.Sprintf("retry %d at %s after: %s", dl.Attempts+1, stamp(dl.DueAt, dir, n.Recipient), dl.LastError)
		default:
			a.State, a.WaitKind, a.Wait = AlertPending, "", ""
		}
	}
	return nil
}

func byWhom(s store.Silence) string {
	if s.CreatedBy == "" {
		return ""
	}
	return " (by " + s.CreatedBy + ")"
}

// stamp shows t in the recipient's zone with the zone's name, or in the
// agency's zone for channels.
func stamp(t time.Time, dir Directory, recipient string) string {
	_, loc := dir.AgencyLocale()
	if cal := calendarOf(dir, recipient); cal != nil && cal.Location != nil {
		loc = cal.Location
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST") + " (" + loc.String() + ")"
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func sortAlerts(as []Alert) {
	for i := 1; i < len(as); i++ {
		for j := i; j > 0 && alertLess(as[j], as[j-1]); j-- {
			as[j], as[j-1] = as[j-1], as[j]
		}
	}
}

func alertLess(a, b Alert) bool {
	if !a.PlannedAt.Equal(b.PlannedAt) {
		return a.PlannedAt.Before(b.PlannedAt)
	}
	if a.Recipient != b.Recipient {
		return a.Recipient < b.Recipient
	}
	return a.FindingKey < b.FindingKey
}
