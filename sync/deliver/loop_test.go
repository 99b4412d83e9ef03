package deliver_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// loop runs the delivery loop of h in the background and reports each time
// it parks, with how long it means to wait.
type loop struct {
	t      *testing.T
	parked chan time.Duration
}

func runLoop(t *testing.T, h *harness) *loop {
	t.Helper()
	l := &loop{t: t, parked: make(chan time.Duration, 64)}
	deliver.SetParked(h.d, func(wait time.Duration) { l.parked <- wait })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.d.Run(ctx, 0) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	l.await()
	return l
}

// await returns how long the loop is waiting, once it parks. The bound is
// a guard against a hung loop, not a timing: nothing here sleeps. It is
// generous because a pass over the pure-Go SQLite under the race detector,
// on a loaded 2-core machine, has taken over 10 s.
func (l *loop) await() time.Duration {
	l.t.Helper()
	select {
	case w := <-l.parked:
		return w
	case <-time.After(2 * time.Minute):
		l.t.Fatal("the delivery loop never parked")
		return 0
	}
}

// A client's ping is answered at the instant it is recorded, without any
// tick: the client's thread reply first, the private note to the
// specialist exactly one pacing interval later in the same channel, and
// the AM's alert exactly group_wait after the ping. With group_wait 0 the
// alert goes at once too.
func TestRunDeliversAsSoonAsRecorded(t *testing.T) {
	for _, groupWait := range []time.Duration{30 * time.Second, 0} {
		t.Run(groupWait.String(), func(t *testing.T) {
			// Wednesday 10:00 in Kyiv: everyone is at work.
			start := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
			h := newHarness(t, start)
			h.dir.Cfg.GroupWait = groupWait
			l := runLoop(t, h)
			ctx := t.Context()
			ping, err := h.fake.PostUserMessage(slackfake.UserMessage{Channel: slackfake.SharedChanID, User: slackfake.ClientUserID, Text: "<@" + slackfake.SEOUserID + "> budget?"})
			if err != nil {
				t.Fatal(err)
			}
			f := deliver.MakeFinding("redirect", "acme", "C/1", rules.SeverityWarning)
			replies := []deliver.Reply{
				{Key: "redirect/C/1/specialist", Channel: slackfake.SharedChanID, User: slackfake.SEOUserID, Text: "No need to answer", FindingKey: f.Key},
				{Key: "redirect/C/1/client", Channel: slackfake.SharedChanID, ThreadTS: ping.TS, Text: "Your AM will answer", FindingKey: f.Key},
			}
			if _, err := h.d.Record(ctx, "redirect", []rules.Finding{f}, replies, h.clk.Now()); err != nil {
				t.Fatal(err)
			}
			wait := l.await()
			if n := h.threadReplies(ping.TS); n != 1 {
				t.Fatalf("%d thread replies at the instant of the ping, want 1", n)
			}
			if n := len(h.fake.Ephemerals()); n != 0 {
				t.Fatalf("%d private notes before the client's reply had its second", n)
			}
			// The loop sleeps exactly until the channel's next slot.
			if wait != time.Second {
				t.Fatalf("loop waits %v after the reply, want exactly the 1s channel interval", wait)
			}
			amPosts := func() int { return len(h.posts(h.dm(slackfake.AMUserID))) }
			if groupWait == 0 {
				if n := amPosts(); n != 1 {
					t.Fatalf("%d AM alerts with group_wait 0, want 1 at once", n)
				}
			}
			h.clk.Advance(time.Second)
			wait = l.await()
			if n := len(h.fake.Ephemerals()); n != 1 {
				t.Fatalf("%d private notes one interval later, want 1", n)
			}
			if groupWait == 0 {
				return
			}
			if n := amPosts(); n != 0 {
				t.Fatalf("%d AM alerts before group_wait", n)
			}
			// The loop looks again at least every idle interval, and
			// wakes exactly when the group is due.
			for h.clk.Now().Add(wait).Before(start.Add(groupWait)) {
				if wait > deliver.DefaultIdle {
					t.Fatalf("loop waits %v, more than the idle interval", wait)
				}
				h.clk.Advance(wait)
				wait = l.await()
				if n := amPosts(); n != 0 {
					t.Fatalf("%d AM alerts %v after the ping, before group_wait", n, h.clk.Now().Sub(start))
				}
			}
			if due := start.Add(groupWait); !h.clk.Now().Add(wait).Equal(due) {
				t.Fatalf("loop wakes at %v, want exactly group_wait later (%v)", h.clk.Now().Add(wait), due)
			}
			h.clk.Advance(wait)
			l.await()
			if n := amPosts(); n != 1 {
				t.Fatalf("%d AM alerts exactly group_wait after the ping, want 1", n)
			}
			if got := h.clk.Now().Sub(start); got != groupWait {
				t.Fatalf("alert sent %v after the ping, want %v", got, groupWait)
			}
		})
	}
}

// threadReplies counts the bot's replies in the thread of ts.
func (h *harness) threadReplies(ts string) int {
	n := 0
	for _, m := range h.fake.Messages(slackfake.SharedChanID) {
		if m.ThreadTS == ts && m.User == slackfake.BotUserID {
			n++
		}
	}
	return n
}

// slowDefers is the store of a loaded machine: deferring a delivery takes
// the clock past by, once armed.
type slowDefers struct {
	store.Store
	clk   *clock.Fake
	by    time.Duration
	armed atomic.Bool
}

func (s *slowDefers) DeferDelivery(ctx context.Context, key, owner, reason string, dueAt time.Time) error {
	if s.armed.Load() {
		s.clk.Advance(s.by)
	}
	return s.Store.DeferDelivery(ctx, key, owner, reason, dueAt)
}

// A pass that sends nothing (everything it claimed waits for the channel's
// next slot) but outlasts that slot must not leave the loop asleep for the
// idle interval with a delivery overdue: the loop goes round again at once
// and sends it. On a loaded machine a pass of a few store writes can take
// longer than Slack's one-second channel interval, and private notes,
// paced behind the client's reply, came out up to 10 s late.
func TestRunSendsWhatFellDueDuringAPass(t *testing.T) {
	start := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	slow := &slowDefers{Store: h.st, clk: h.clk, by: 2 * time.Second}
	d, err := deliver.New(slow, h.sl, func() deliver.Directory { return h.dir }, h.clk, nil, prometheus.NewRegistry(), deliver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.d = d
	l := runLoop(t, h)
	ctx := t.Context()
	var pings []slackfake.Message
	for i := range 2 {
		p, err := h.fake.PostUserMessage(slackfake.UserMessage{Channel: slackfake.SharedChanID, User: slackfake.ClientUserID, Text: fmt.Sprintf("question %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		pings = append(pings, p)
	}
	reply := func(i int) {
		t.Helper()
		r := deliver.Reply{Key: fmt.Sprintf("reply/%d", i), Channel: slackfake.SharedChanID, ThreadTS: pings[i].TS, Text: "Your AM will answer"}
		if _, err := h.d.Record(ctx, "redirect", nil, []deliver.Reply{r}, h.clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	reply(0)
	l.await()
	if n := h.threadReplies(pings[0].TS); n != 1 {
		t.Fatalf("first reply sent %d times, want 1", n)
	}
	// The second reply, in the same second, waits for the channel's slot;
	// the pass that defers it ends two seconds later, past that slot.
	slow.armed.Store(true)
	reply(1)
	wait := l.await()
	slow.armed.Store(false)
	if h.threadReplies(pings[1].TS) == 0 {
		if wait > 0 {
			t.Fatalf("second reply overdue since %v, and the loop waits %v", h.clk.Now().Sub(start.Add(time.Second)), wait)
		}
		l.await()
	}
	if n := h.threadReplies(pings[1].TS); n != 1 {
		t.Fatalf("second reply sent %d times, want 1", n)
	}
}
