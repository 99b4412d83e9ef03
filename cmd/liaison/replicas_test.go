package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// endState is what the bot said in Slack, without timestamps: one line per
// message naming its channel, the text of the message it replies to, its
// text (a summary's alert lines sorted), and whom it was shown to when
// private.
func endState(t *testing.T, base string) []string {
	t.Helper()
	_, body := get(t, base+"/_sandbox/slack/messages")
	var msgs []struct {
		Channel       string `json:"channel"`
		User          string `json:"user"`
		TS            string `json:"ts"`
		ThreadTS      string `json:"thread_ts"`
		Text          string `json:"text"`
		EphemeralUser string `json:"ephemeral_user"`
	}
	if err := json.Unmarshal([]byte(body), &msgs); err != nil {
		t.Fatal(err)
	}
	text := map[string]string{}
	for _, m := range msgs {
		text[m.Channel+"/"+m.TS] = m.Text
	}
	var out []string
	for _, m := range msgs {
		if m.User != "U0LIAISON1" {
			continue
		}
		parent := ""
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			parent = text[m.Channel+"/"+m.ThreadTS]
		}
		// A summary lists its alerts in the order they arrived, which
		// depends on timing, not on what was said: compare them sorted.
		lines := strings.Split(m.Text, "\n")
		slices.Sort(lines[1:])
		out = append(out, fmt.Sprintf("%s | re: %q | %q | to %s", m.Channel, parent, strings.Join(lines, "\n"), m.EphemeralUser))
	}
	slices.Sort(out)
	return out
}

// playReplicas runs the replica scenario: n `liaison run` processes on the
// config at cfg, each with its own Socket Mode connection; client messages
// in two channels, the first replica SIGKILLed between the two halves. It
// returns the end state once every message has its reply and the bot has
// been quiet for a few seconds.
func playReplicas(t *testing.T, cfg string, n int, base string) []string {
	t.Helper()
	procs := make([]*exec.Cmd, n)
	logs := make([]*syncBuffer, n)
	for i := range n {
		logs[i] = &syncBuffer{}
		procs[i] = exec.Command(liaisonBin, "run", "-config", cfg, "-listen", "127.0.0.1:0")
		procs[i].Env = []string{"PATH=/usr/bin:/bin"}
		procs[i].Stderr = logs[i]
		if err := procs[i].Start(); err != nil {
			t.Fatal(err)
		}
		p := procs[i]
		t.Cleanup(func() { _ = p.Process.Signal(syscall.SIGTERM); _ = p.Wait() })
	}
	for i := range n {
		waitFor(t, logs[i], "slack socket mode connected")
	}
	defer func() {
		if t.Failed() {
			for i, l := range logs {
				t.Logf("replica %d logs:\n%s", i, l)
			}
		}
	}()
	type posted struct{ channel, ts string }
	var all []posted
	post := func(from, to int) {
		for i := from; i < to; i++ {
			channel, user := "acme", "pat"
			if i%2 == 1 {
				channel, user = "bolt", "bob"
			}
			var p struct{ TS string }
			sandboxAct(t, "POST", base+"/_sandbox/slack/messages",
				fmt.Sprintf(`{"channel": %q, "user": %q, "text": "<@sam> hi, question number %d"}`, channel, user, i), &p)
			all = append(all, posted{channel, p.TS})
		}
		waitUntil(t, 90*time.Second, "every client message answered", func() bool {
			for _, p := range all {
				if repliesIn(t, base, p.channel, p.ts) == 0 {
					return false
				}
			}
			return true
		})
	}
	post(0, 4)
	if n > 1 {
		if err := procs[0].Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = procs[0].Wait()
	}
	post(4, 8)
	// Every client message addressed Sam, so each gets one private note to
	// him. A note the killed replica had claimed goes out once its claim on
	// the delivery lapses (the outbox's 2-minute lease), then at the next
	// pass of a survivor's delivery loop (at most 10 s later).
	took := waitUntil(t, 2*time.Minute+30*time.Second, "every private note to the specialist", func() bool {
		for _, p := range all {
			if notesIn(t, base, p.channel, p.ts) == 0 {
				return false
			}
		}
		return true
	})
	t.Logf("%d replica(s): every private note shown %s after the last reply", n, took.Round(time.Millisecond))
	// The account manager's alerts: the seed's two Jira issues and one
	// "wrote to Sam directly" per client message, in summaries that go out
	// group_wait (30 s) after the first and group_interval (10 s, see
	// withShortGroupInterval) apart.
	wantAlerts := len(all) + 2
	waitUntil(t, 2*time.Minute, "every alert in the account manager's summaries", func() bool {
		return alertCount(t, directMessages(endState(t, base))) >= wantAlerts
	})
	// Quiet for 4 s: nothing more is coming.
	last := len(endState(t, base))
	quietSince := time.Now()
	waitUntil(t, 60*time.Second, "the bot to fall quiet", func() bool {
		if now := len(endState(t, base)); now != last {
			last, quietSince = now, time.Now()
		}
		return time.Since(quietSince) > 4*time.Second
	})
	for i, p := range procs[1:] {
		if err := p.Process.Signal(syscall.Signal(0)); err != nil {
			t.Errorf("replica %d died: %v", i+1, err)
		}
	}
	for _, p := range all {
		if got := repliesIn(t, base, p.channel, p.ts); got != 1 {
			t.Errorf("message %s/%s has %d replies, want exactly 1", p.channel, p.ts, got)
		}
		// A private note is sent once; the one exception is a note the
		// killed replica posted and died before recording: Slack keeps no
		// copy of an ephemeral message to look up, so the survivor that
		// takes the delivery over shows it again. At most one delivery per
		// key was in the killed replica's hands, hence at most 2.
		wantMax := 1
		if n > 1 {
			wantMax = 2
		}
		if got := notesIn(t, base, p.channel, p.ts); got < 1 || got > wantMax {
			t.Errorf("message %s/%s has %d private notes to Sam, want 1 to %d", p.channel, p.ts, got, wantMax)
		}
	}
	end := endState(t, base)
	// Each alert reaches the account manager exactly once across all the
	// summaries, and no summary is posted twice.
	dms := directMessages(end)
	if got := alertCount(t, dms); got != wantAlerts {
		t.Errorf("the account manager's summaries list %d alerts, want each of %d once:\n%s", got, wantAlerts, strings.Join(dms, "\n"))
	}
	for i := 1; i < len(dms); i++ {
		if dms[i] == dms[i-1] {
			t.Errorf("posted twice to the account manager: %s", dms[i])
		}
	}
	return end
}

// alertCount is how many alerts the summaries in dms (endState lines)
// list, in total. It fails the test when a summary's headline ("N alerts")
// does not count the alerts the summary lists.
func alertCount(t *testing.T, dms []string) int {
	t.Helper()
	total := 0
	for _, l := range dms {
		lines := alertLines(l)
		headline, _, _ := strings.Cut(l, `\n`)
		_, headline, _ = strings.Cut(headline, `| "`)
		n := len(lines)
		for _, a := range lines {
			var more int
			if _, err := fmt.Sscanf(a, "…and %d more", &more); err == nil {
				n += more - 1
			}
		}
		if want := fmt.Sprintf("%d alert", n); !strings.HasPrefix(headline, want) {
			t.Errorf("summary headed %q lists %d alerts: %s", headline, n, l)
		}
		total += n
	}
	return total
}

// alertLines returns the alert lines of a summary (an endState line): the
// text's lines after the headline, as quoted.
func alertLines(l string) []string {
	_, text, _ := strings.Cut(l, `| "`)
	text, _, _ = strings.Cut(text, `" | to`)
	parts := strings.Split(text, `\n`)
	return parts[1:]
}

// notesIn returns how many private notes (ephemeral messages) to Sam the
// bot showed in channel's thread ts.
func notesIn(t *testing.T, base, channel, ts string) int {
	t.Helper()
	_, body := get(t, base+"/_sandbox/slack/messages?channel="+channel)
	var msgs []struct {
		User          string `json:"user"`
		ThreadTS      string `json:"thread_ts"`
		EphemeralUser string `json:"ephemeral_user"`
	}
	if err := json.Unmarshal([]byte(body), &msgs); err != nil {
		t.Fatal(err)
	}
	k := 0
	for _, m := range msgs {
		if m.ThreadTS == ts && m.User == "U0LIAISON1" && m.EphemeralUser != "" {
			k++
		}
	}
	return k
}

// TestThreeReplicasOnPostgres plays the same scenario twice: once with one
// replica on SQLite, once with three replicas sharing PostgreSQL (each with
// its own Socket Mode connection, so Slack spreads the events over them),
// the first SIGKILLed halfway. Slack's rate limits are lifted in both runs:
// apps.connections.open allows about one connection a minute. The survivors
// carry on, every message is answered exactly once, and what the bot said in
// the clients' channels is the same both times. Every message also gets its
// private note to the specialist, once on SQLite and once or twice with three
// replicas (see playReplicas), the same notes both times. The account
// manager's summaries list every alert exactly once, none is posted twice,
// each headline counts its alerts, and the alerts they list together are
// the same both times (how they group depends on timing).
//
//	LIAISON_TEST_POSTGRES_URL=postgres://… go test -run TestThreeReplicasOnPostgres -v ./cmd/liaison/
func TestThreeReplicasOnPostgres(t *testing.T) {
	dsn := testPostgresSchema(t, "replicas")

	dir := t.TempDir()
	base, cfg := startSandboxWith(t, dir, "testdata/storm.yaml", "-slack-rate-limits", "off")
	want := playReplicas(t, withShortGroupInterval(t, cfg), 1, base)

	dir = t.TempDir()
	base, cfg = startSandboxWith(t, dir, "testdata/storm.yaml", "-slack-rate-limits", "off")
	got := playReplicas(t, withPostgresStore(t, withShortGroupInterval(t, cfg), dsn), 3, base)

	// What clients see: the thread replies in their channels.
	inChannels := func(all []string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(l string) bool {
			return !strings.HasPrefix(l, "C") || !strings.HasSuffix(l, "| to ")
		})
	}
	// Each of the 8 client messages gets one thread reply.
	if g, w := inChannels(got), inChannels(want); !slices.Equal(g, w) || len(w) != 8 {
		t.Errorf("in the clients' channels three replicas on PostgreSQL said\n%s\n\none on SQLite said\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	// The specialist's private notes: the same 8 in both runs (playReplicas
	// counted them per message; a note shown again after the kill is the
	// same line twice).
	notes := func(all []string) []string {
		return slices.Compact(slices.DeleteFunc(slices.Clone(all), func(l string) bool {
			return !strings.HasPrefix(l, "C") || strings.HasSuffix(l, "| to ")
		}))
	}
	if g, w := notes(got), notes(want); !slices.Equal(g, w) || len(w) != 8 {
		t.Errorf("private notes: three replicas on PostgreSQL showed\n%s\n\none on SQLite showed\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	// The account manager's summaries: which alerts share a summary
	// depends on when each client message's alert was raised relative to
	// the group's timers, so the summaries themselves may differ between
	// the runs. The alerts they list together may not: each once
	// (playReplicas checked the count and that no summary came twice).
	allAlerts := func(all []string) []string {
		var out []string
		for _, l := range directMessages(all) {
			for _, a := range alertLines(l) {
				out = append(out, withoutDeadlineWording(a))
			}
		}
		slices.Sort(out)
		return out
	}
	if g, w := allAlerts(got), allAlerts(want); !slices.Equal(g, w) {
		t.Errorf("the account manager's alerts: three replicas on PostgreSQL listed\n%s\n\none on SQLite listed\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	for i := 1; i < len(got); i++ {
		if got[i] == got[i-1] && strings.HasPrefix(got[i], "C") && strings.HasSuffix(got[i], "| to ") {
			t.Errorf("posted twice in a client's channel: %s", got[i])
		}
	}
	t.Logf("%d bot messages with three replicas, %d with one", len(got), len(want))
}

// deadlineAlert matches a deadline alert line: its icon and its wording
// ("is due today", "is 2 days overdue (due Tue 1 Dec)") between the issue
// and the client.
var deadlineAlert = regexp.MustCompile(`^• :[a-z_]+: ([A-Z]+-[0-9]+ “[^”]*”) .* — (.+)$`)

// withoutDeadlineWording returns an alert line with a deadline alert's
// icon and wording cut to "KEY “title” … — Client". The two runs of the
// replica scenario follow each other on the wall clock and may straddle
// midnight in the agency's zone (22:00 UTC is midnight in Kyiv), so one
// run may say "is due today" where the other says "was due yesterday":
// which alerts were raised must match, their wording need not.
func withoutDeadlineWording(a string) string {
	return deadlineAlert.ReplaceAllString(a, "$1 … — $2")
}

// directMessages returns the lines of an end state that are direct
// messages (the account manager's summaries), not in a client's channel.
func directMessages(all []string) []string {
	return slices.DeleteFunc(slices.Clone(all), func(l string) bool { return strings.HasPrefix(l, "C") })
}

// withShortGroupInterval adds a delivery block to the config at cfg (the
// sandbox writes none) with a 10 s group_interval, so that every alert of
// the scenario reaches the account manager within a minute rather than in
// a summary five minutes after the previous one. It returns cfg.
func withShortGroupInterval(t *testing.T, cfg string) string {
	t.Helper()
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?m)^delivery:`).Match(data) {
		t.Fatalf("%s already has a delivery block", cfg)
	}
	data = append(data, "\ndelivery:\n  group_interval: 10s\n"...)
	if err := os.WriteFile(cfg, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestWithoutDeadlineWording pins the normalisation on the lines of two
// runs that straddled midnight: the deadline alerts match, the others are
// kept whole.
func TestWithoutDeadlineWording(t *testing.T) {
	for _, pair := range [][2]string{
		{"• :rotating_light: ACME-1 “Fix crawl errors” is 3 days overdue (due Tue 1 Dec) — Acme", "• :warning: ACME-1 “Fix crawl errors” is 2 days overdue (due Tue 1 Dec) — Acme"},
		{"• :warning: BOLT-1 “Monthly report” was due yesterday (Thu 3 Dec) — Bolt", "• :warning: BOLT-1 “Monthly report” is due today (Thu 3 Dec) — Bolt"},
	} {
		if a, b := withoutDeadlineWording(pair[0]), withoutDeadlineWording(pair[1]); a != b || !strings.Contains(a, "…") {
			t.Errorf("%q and %q normalise to %q and %q", pair[0], pair[1], a, b)
		}
	}
	if a, b := withoutDeadlineWording("• :warning: Acme wrote to Sam Specialist directly"), withoutDeadlineWording("• :warning: Bolt wrote to Sam Specialist directly"); a == b {
		t.Errorf("two different alerts normalise to the same %q", a)
	}
	if got := withoutDeadlineWording("• :warning: ACME-1 “Fix crawl errors” is due today (Tue 1 Dec) — Acme"); got != "ACME-1 “Fix crawl errors” … — Acme" {
		t.Errorf("got %q", got)
	}
}
