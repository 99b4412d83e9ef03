package slack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// historyLimits returns the limit argument of every conversations.history call.
func historyLimits(srv *slackfake.Server) []int {
	var out []int
	for _, c := range srv.Calls() {
		if c.Method == "conversations.history" {
			n, _ := strconv.Atoi(c.Args.Get("limit"))
			out = append(out, n)
		}
	}
	return out
}

func historyArgs(srv *slackfake.Server) []url.Values {
	var out []url.Values
	for _, c := range srv.Calls() {
		if c.Method == "conversations.history" {
			out = append(out, c.Args)
		}
	}
	return out
}

func TestFindByMetadataWithinLimit(t *testing.T) {
	// Pacing is off here; TestHistoryPacesAndWaitsOutRateLimits covers it.
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true},
		&Options{PageInterval: -1})
	ctx := context.Background()
	ch := slackfake.GeneralChanID
	// 300 of our messages, oldest k000, newest k299, with a person's
	// message carrying a look-alike text in between.
	posted := map[string]string{}
	for i := range 300 {
		key := fmt.Sprintf("k%03d", i)
		ts, err := f.c.PostMessage(ctx, deliver.Message{Channel: ch, Text: "alert " + key,
			Metadata: &deliver.Metadata{EventType: deliver.MetadataEventType, Payload: map[string]any{"key": key}}})
		if err != nil {
			t.Fatal(err)
		}
		posted[key] = ts
		if i == 150 {
			if _, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: ch, User: slackfake.AMUserID, Text: "k299"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Another event type with a colliding key must not match.
	if _, err := f.c.PostMessage(ctx, deliver.Message{Channel: ch, Text: "other",
		Metadata: &deliver.Metadata{EventType: "someone_else", Payload: map[string]any{"key": "k299"}}}); err != nil {
		t.Fatal(err)
	}
	// 302 messages now; the newest is "other", then k299 ... k000 with the
	// person's message between k150 and k151.
	cases := []struct {
		key        string
		limit      int
		found      bool
		wantLimits []int
	}{
		{"k299", 5, true, []int{5}},
		{"k200", 250, true, []int{200}}, // found on the first page: no second call
		{"k080", 250, true, []int{200, 50}},
		{"k040", 250, false, []int{200, 50}}, // the 262nd newest message: beyond the limit
		{"k040", 302, true, []int{200, 102}},
		{"k000", 1000, true, []int{200, 200}},
		{"nope", 1000, false, []int{200, 200}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%d", tc.key, tc.limit), func(t *testing.T) {
			before := len(historyLimits(f.srv))
			ts, found, err := f.c.FindByMetadata(ctx, ch, "", deliver.MetadataEventType, tc.key, time.Time{}, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if found != tc.found || (found && ts != posted[tc.key]) {
				t.Errorf("FindByMetadata = %q, %v; want %q, %v", ts, found, posted[tc.key], tc.found)
			}
			got := historyLimits(f.srv)[before:]
			if fmt.Sprint(got) != fmt.Sprint(tc.wantLimits) {
				t.Errorf("history page limits = %v, want %v", got, tc.wantLimits)
			}
		})
	}
	for _, a := range historyArgs(f.srv) {
		if a.Get("include_all_metadata") != "1" {
			t.Errorf("history called without include_all_metadata: %v", a)
		}
	}

	// oldest bounds the search: k010 is older than k100's timestamp.
	oldest := connectors.SlackTime(posted["k100"])
	if _, found, err := f.c.FindByMetadata(ctx, ch, "", deliver.MetadataEventType, "k010", oldest, 1000); err != nil || found {
		t.Errorf("found k010 older than oldest: %v, %v", found, err)
	}
	if _, found, err := f.c.FindByMetadata(ctx, ch, "", deliver.MetadataEventType, "k101", oldest, 1000); err != nil || !found {
		t.Errorf("k101 newer than oldest not found: %v, %v", found, err)
	}
}

func TestSlackTS(t *testing.T) {
	cases := []struct {
		in   time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Unix(1700000000, 0), "1700000000.000000"},
		{time.Unix(1700000000, 123456789), "1700000000.123456"},
	}
	for _, tc := range cases {
		if got := SlackTS(tc.in); got != tc.want {
			t.Errorf("SlackTS(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHistoryPacesAndWaitsOutRateLimits(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true}, nil)
	ch := slackfake.GeneralChanID
	for i := range 450 {
		if _, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: ch, User: slackfake.AMUserID,
			Text: fmt.Sprintf("m%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	f.srv.SetRateLimits(slackfake.RateLimitsReal)
	// The second page is rate-limited once.
	type result struct {
		pages []int
		err   error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		calls := 0
		r.err = f.c.History(context.Background(), ch, "", func(page []Message) error {
			calls++
			if calls == 1 {
				f.srv.Script(slackfake.Fault{Method: "conversations.history", Status: 429, RetryAfter: 30 * time.Second})
			}
			r.pages = append(r.pages, len(page))
			return nil
		})
		done <- r
	}()
	t0 := f.clk.Now()
	advanceWhenParked(t, f.clk, DefaultPageInterval) // pace before page 2
	advanceWhenParked(t, f.clk, 30*time.Second)      // Retry-After of the 429; the retry's slot has passed
	advanceWhenParked(t, f.clk, DefaultPageInterval) // pace before page 3
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if fmt.Sprint(r.pages) != "[200 200 50]" {
		t.Errorf("pages = %v", r.pages)
	}
	var at []time.Duration
	for _, c := range f.srv.Calls() {
		if c.Method == "conversations.history" {
			at = append(at, c.At.Sub(t0))
		}
	}
	want := []time.Duration{0, 1200 * time.Millisecond, 31200 * time.Millisecond, 32400 * time.Millisecond}
	if fmt.Sprint(at) != fmt.Sprint(want) {
		t.Errorf("history calls at %v, want %v", at, want)
	}
}

func TestHistoryGivesUpAfterBoundedRateLimits(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true},
		&Options{PageInterval: -1, RateLimitRetries: 2})
	f.srv.Script(slackfake.Fault{Method: "conversations.history", Status: 429, RetryAfter: 10 * time.Second, Times: 5})
	done := make(chan error, 1)
	go func() {
		done <- f.c.History(context.Background(), slackfake.GeneralChanID, "", func([]Message) error { return nil })
	}()
	advanceWhenParked(t, f.clk, 10*time.Second)
	advanceWhenParked(t, f.clk, 10*time.Second)
	err := <-done
	if d, ok := deliver.RetryAfterOf(err); !ok || d != 10*time.Second {
		t.Errorf("err = %v, want the rate limit after 3 attempts", err)
	}
	if n := f.srv.CallCount("conversations.history"); n != 3 {
		t.Errorf("history called %d times, want 3", n)
	}
}

func TestHistoryStopsOnCallbackError(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true},
		&Options{PageInterval: -1})
	for i := range 250 {
		if _, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: slackfake.GeneralChanID,
			User: slackfake.AMUserID, Text: strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	stop := errors.New("store full")
	err := f.c.History(context.Background(), slackfake.GeneralChanID, "", func([]Message) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("err = %v", err)
	}
	if n := f.srv.CallCount("conversations.history"); n != 1 {
		t.Errorf("history called %d times after the callback failed", n)
	}
}

func TestRepliesAndHistoryShapes(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true},
		&Options{PageInterval: -1})
	ctx := context.Background()
	ch := slackfake.SharedChanID
	parent, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: ch, User: slackfake.ClientUserID, Text: "question?"})
	if err != nil {
		t.Fatal(err)
	}
	var replies []string
	for i := range 3 {
		r, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: ch, User: slackfake.SEOUserID,
			Text: fmt.Sprintf("answer %d", i), ThreadTS: parent.TS})
		if err != nil {
			t.Fatal(err)
		}
		replies = append(replies, r.TS)
	}
	own, err := f.c.PostMessage(ctx, deliver.Message{Channel: ch, Text: "noted"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.AddReaction(ch, parent.TS, slackfake.AMUserID, "question"); err != nil {
		t.Fatal(err)
	}

	var thread []Message
	if err := f.c.Replies(ctx, ch, parent.TS, "", func(p []Message) error { thread = append(thread, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(thread) != 4 || thread[0].TS != parent.TS || thread[0].ReplyCount != 3 || thread[3].TS != replies[2] ||
		thread[1].ThreadTS != parent.TS || thread[1].User != slackfake.SEOUserID {
		t.Errorf("thread = %+v", thread)
	}

	var hist []Message
	if err := f.c.History(ctx, ch, "", func(p []Message) error { hist = append(hist, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 {
		t.Fatalf("history = %+v, want our message and the parent (replies live in the thread)", hist)
	}
	if hist[0].TS != own || hist[0].BotID != slackfake.BotID {
		t.Errorf("newest = %+v", hist[0])
	}
	p := hist[1]
	if p.Team != slackfake.ClientTeamID || p.User != slackfake.ClientUserID || len(p.Reactions) != 1 ||
		p.Reactions[0].Name != "question" || p.Reactions[0].Users[0] != slackfake.AMUserID {
		t.Errorf("parent = %+v", p)
	}
	rec := p.Record()
	if rec.ChannelID != ch || rec.TS != parent.TS || rec.TeamID != slackfake.ClientTeamID || rec.Text != "question?" {
		t.Errorf("record = %+v", rec)
	}

	// oldest excludes what we already have.
	hist = nil
	if err := f.c.History(ctx, ch, parent.TS, func(p []Message) error { hist = append(hist, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].TS != own {
		t.Errorf("history after the parent = %+v", hist)
	}
}
