package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// TestWorkloadDigestReachesTheHeadOnce runs the weekly digest against the
// sandbox: on Monday morning (09:01 in Kyiv) the head gets one direct
// message with the week's digest, as Block Kit with per-person sections,
// and later runs that week add nothing.
func TestWorkloadDigestReachesTheHeadOnce(t *testing.T) {
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 7, 7, 1, 0, 0, time.UTC))
	ctx := context.Background()
	cycle := func() {
		t.Helper()
		if err := app.engine.RunWorkload(ctx); err != nil {
			t.Fatal(err)
		}
		if err := app.engine.RunWorkloadDigest(ctx); err != nil {
			t.Fatal(err)
		}
		if err := app.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cycle()
	dm := dmOf(t, app, app.cfg().Person("olena").SlackUserID)
	digests := func() []slackfake.Message {
		var out []slackfake.Message
		for _, m := range sb.Slack().Messages(dm) {
			if m.User == slackfake.BotUserID && strings.Contains(m.Text, "2026-W50") {
				out = append(out, m)
			}
		}
		return out
	}
	ds := digests()
	if len(ds) != 1 {
		t.Fatalf("%d digests in the head's DM, want 1", len(ds))
	}
	blocks := string(ds[0].Blocks)
	for _, want := range []string{`"type":"header"`, `"type":"section"`, "Anna Melnyk", "Oleh Bondar", "░"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("digest blocks lack %s: %s", want, blocks)
		}
	}
	for range 3 {
		clk.Advance(20 * time.Minute)
		cycle()
	}
	if n := len(digests()); n != 1 {
		t.Fatalf("%d digests after more runs, want 1", n)
	}
}
