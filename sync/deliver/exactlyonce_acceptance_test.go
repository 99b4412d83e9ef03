package deliver_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

var errKilled = errors.New("killed")

// fanOut routes deadline findings to the AM, both specialists and the head:
// four DMs, four posts per burst.
func fanOut(h *harness) {
	h.dir.Cfg.Routes = []deliver.Route{{Rule: "deadline", Recipients: []string{"account_manager", "specialists", "head"}}}
}

// countByKey counts the bot's posts per delivery key across every channel.
func countByKey(h *harness) map[string]int {
	n := map[string]int{}
	for _, m := range h.fake.AllMessages() {
		if k := deliveryKeyOf(m); k != "" && m.BotID == slackfake.BotID {
			n[k]++
		}
	}
	return n
}

func assertExactlyOnce(t *testing.T, h *harness, wantPosts int) {
	t.Helper()
	byKey := countByKey(h)
	if len(byKey) != wantPosts {
		t.Errorf("%d distinct deliveries in Slack, want %d", len(byKey), wantPosts)
	}
	for k, n := range byKey {
		if n != 1 {
			t.Errorf("delivery %s is in Slack %d times", k, n)
		}
	}
	for _, d := range mustDeliveries(t, h.st, store.DeliveryFilter{}) {
		if d.State != store.DeliverySent {
			t.Errorf("delivery %s is %s (%s), want sent", d.Key, d.State, d.LastError)
		}
		if d.Kind == store.DeliveryPost && byKey[d.Key] != 1 {
			t.Errorf("delivery %s recorded sent but posted %d times", d.Key, byKey[d.Key])
		}
	}
}

func TestCrashAtEveryStageDeliversExactlyOnce(t *testing.T) {
	for _, stage := range []string{deliver.StageBeforePost, deliver.StageAfterPost, deliver.StageAfterRecord} {
		for victim := 0; victim < 4; victim++ {
			t.Run(fmt.Sprintf("%s/delivery%d", stage, victim), func(t *testing.T) {
				h := newHarness(t, monday10(t))
				fanOut(h)
				h.reconcile("deadline", deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning),
					deliver.MakeFinding("deadline", "acme", "ACME-2", rules.SeverityCritical))
				h.clk.Advance(30 * time.Second)
				seen := 0
				deliver.SetHook(h.d, func(s, key string) error {
					if s != deliver.StageBeforePost {
						if s == stage && seen-1 == victim {
							return errKilled
						}
						return nil
					}
					seen++
					if s == stage && seen-1 == victim {
						return errKilled
					}
					return nil
				})
				if err := h.d.Tick(t.Context()); !errors.Is(err, errKilled) {
					t.Fatalf("tick = %v, want the injected crash", err)
				}
				// A new process on the same store; the dead one's leases
				// expire on the clock.
				h.d = h.deliverer(deliver.Options{Owner: "restarted"})
				h.settle()
				h.clk.Advance(3 * time.Minute)
				h.settle()
				assertExactlyOnce(t, h, 4)
				if n := h.fake.CallCount("chat.postMessage"); n != 4 {
					t.Errorf("chat.postMessage called %d times, want 4", n)
				}
				// Only a crash between posting and recording needs the
				// history lookup to find the message.
				if looked := h.fake.CallCount("conversations.history") > 0; looked != (stage != deliver.StageAfterRecord) {
					t.Errorf("history searched = %v at stage %s", looked, stage)
				}
			})
		}
	}
}

func TestRateLimitStormHonoursRetryAfter(t *testing.T) {
	h := newHarness(t, monday10(t))
	fanOut(h)
	const retryAfter = 3 * time.Second
	h.fake.Script(slackfake.Fault{Method: "chat.postMessage", Status: 429, RetryAfter: retryAfter, Times: 9})
	var fs []rules.Finding
	for i := 0; i < 3; i++ {
		fs = append(fs, deliver.MakeFinding("deadline", "acme", fmt.Sprintf("ACME-%d", i), rules.SeverityWarning))
	}
	h.reconcile("deadline", fs...)
	h.clk.Advance(30 * time.Second)
	for i := 0; i < 60; i++ {
		h.tick()
		h.clk.Advance(500 * time.Millisecond)
	}
	assertExactlyOnce(t, h, 4)
	limited := 0
	for _, d := range mustDeliveries(t, h.st, store.DeliveryFilter{}) {
		calls := h.postCalls(d.Key)
		for i := 1; i < len(calls); i++ {
			prev := calls[i-1]
			if prev.Status == 429 {
				limited++
				if gap := calls[i].At.Sub(prev.At); gap < retryAfter {
					t.Errorf("%s re-sent %s after a 429 asking for %s", d.Key, gap, retryAfter)
				}
			}
		}
		if d.Attempts != 0 {
			t.Errorf("%s counted %d attempts; rate limits must not use up retries", d.Key, d.Attempts)
		}
	}
	if limited != 9 {
		t.Errorf("%d rate-limited calls were retried, want all 9", limited)
	}
}

func TestPermanentFailureIsRecordedAndBlocksNothing(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.dir.Cfg.Routes = []deliver.Route{{Rule: "deadline", Recipients: []string{"channel:" + slackfake.NoBotChanID, "account_manager"}}}
	h.reconcile("deadline", deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning))
	h.clk.Advance(30 * time.Second)
	h.settle()
	if n := len(h.posts(h.dm(slackfake.AMUserID))); n != 1 {
		t.Errorf("AM got %d posts, want 1 despite the failing channel", n)
	}
	failed := mustDeliveries(t, h.st, store.DeliveryFilter{State: store.DeliveryFailed})
	if len(failed) != 1 || !strings.Contains(failed[0].LastError, "not_in_channel") {
		t.Fatalf("failed deliveries = %+v, want the channel one with not_in_channel", failed)
	}
	if strings.Contains(failed[0].LastError, "xoxb-") {
		t.Error("failure reason contains the token")
	}
	if n := testutil.ToFloat64(h.metricFailed("not_in_channel")); n != 1 {
		t.Errorf("failed{not_in_channel} = %v, want 1", n)
	}
}

// A thread reply (the redirect rule's answer to a client) survives a crash
// at every stage exactly once too: conversations.history never returns
// thread replies, so the lookup after a crash must search the thread.
func TestCrashAtEveryStagePostsThreadReplyOnce(t *testing.T) {
	for _, stage := range []string{deliver.StageBeforePost, deliver.StageAfterPost, deliver.StageAfterRecord} {
		t.Run(stage, func(t *testing.T) {
			h := newHarness(t, monday10(t))
			ctx := t.Context()
			clientMsg, err := h.fake.PostUserMessage(slackfake.UserMessage{Channel: slackfake.SharedChanID, User: slackfake.ClientUserID, Text: "<@" + slackfake.SEOUserID + "> budget?"})
			if err != nil {
				t.Fatal(err)
			}
			f := deliver.MakeFinding("redirect", "acme", "C/1", rules.SeverityWarning)
			reply := deliver.Reply{Key: "redirect/C/1/client", Channel: slackfake.SharedChanID, ThreadTS: clientMsg.TS, Text: "Your AM will answer", FindingKey: f.Key}
			if _, err := h.d.Record(ctx, "redirect", []rules.Finding{f}, []deliver.Reply{reply}, h.clk.Now()); err != nil {
				t.Fatal(err)
			}
			deliver.SetHook(h.d, func(s, key string) error {
				if s == stage && strings.HasPrefix(key, "reply/") {
					return errKilled
				}
				return nil
			})
			if err := h.d.Tick(ctx); !errors.Is(err, errKilled) {
				t.Fatalf("tick = %v, want the injected crash", err)
			}
			h.d = h.deliverer(deliver.Options{Owner: "restarted"})
			h.settle()
			h.clk.Advance(3 * time.Minute)
			h.settle()
			var inThread int
			for _, m := range h.fake.Messages(slackfake.SharedChanID) {
				if m.ThreadTS == clientMsg.TS && m.BotID == slackfake.BotID {
					inThread++
				}
			}
			if inThread != 1 {
				t.Errorf("%d bot replies in the client's thread, want exactly 1", inThread)
			}
			for _, d := range mustDeliveries(t, h.st, store.DeliveryFilter{}) {
				if strings.HasPrefix(d.Key, "reply/") && d.State != store.DeliverySent {
					t.Errorf("reply delivery %s is %s (%s), want sent", d.Key, d.State, d.LastError)
				}
			}
			if looked := h.fake.CallCount("conversations.replies") > 0; looked != (stage != deliver.StageAfterRecord) {
				t.Errorf("thread searched = %v at stage %s", looked, stage)
			}
		})
	}
}
