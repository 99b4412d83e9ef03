package sandbox

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// minimal is a valid scenario the error cases below break one line of.
const minimal = `agency:
  name: Tiny
  timezone: Europe/Kyiv
people:
  - id: anna
    name: Anna
    email: anna@tiny.example
    role: account_manager
  - id: oleh
    name: Oleh
    email: oleh@tiny.example
    role: specialist
    specialty: seo
clients:
  - id: acme
    name: Acme
    account_manager: anna
    specialists: [oleh]
    jira_projects: [ACME]
    contacts:
      - {id: petro, name: Petro}
issues:
  - project: ACME
    summary: Fix things
    assignee: oleh
    due: +1d
    estimate: 4h
messages:
  - id: first
    at: +1m
    channel: acme
    user: petro
    text: "<@oleh> hi"
  - at: +2m
    channel: acme
    user: anna
    thread_of: first
    text: "on it"
`

func TestParseScenarioMinimal(t *testing.T) {
	sc := mustParse(t, minimal)
	if got := sc.People[0].SlackUserID; got != "U0ANNA0000" {
		t.Errorf("generated Slack id of anna = %q, want U0ANNA0000", got)
	}
	if got := sc.Clients[0].SlackChannels[0]; got.ID == "" || got.Name != "ext-acme" {
		t.Errorf("generated channel = %+v, want an id and name ext-acme", got)
	}
	if sc.Clients[0].Contacts[0].TeamID != sc.Clients[0].SlackTeam.ID || sc.Clients[0].SlackTeam.ID == sc.Agency.Slack.ID {
		t.Errorf("contact team %q, client team %q, agency team %q: the contact must be in the client's own team",
			sc.Clients[0].Contacts[0].TeamID, sc.Clients[0].SlackTeam.ID, sc.Agency.Slack.ID)
	}
	if sc.People[1].JiraAccountID == "" {
		t.Error("a specialist without jira_account_id got none generated")
	}
}

func TestParseScenarioErrors(t *testing.T) {
	tests := []struct {
		name     string
		from, to string // replace from with to in minimal
		want     string // the first problem, exactly
	}{
		{"unknown key", "    email: anna@tiny.example", "    emial: anna@tiny.example",
			`seed.yaml:7:5: people[0].emial: unknown key (did you mean "email"?)`},
		{"unknown top-level key", "issues:", "isues:",
			`seed.yaml:22:1: isues: unknown key (did you mean "issues"?)`},
		{"bad relative date", "    due: +1d", "    due: +1x",
			`seed.yaml:26:10: issues[0].due: "+1x" is not a date: write YYYY-MM-DD, today, or days from today such as +1d, -3d, +2w`},
		{"unknown assignee", "    assignee: oleh", "    assignee: olga",
			`seed.yaml:25:15: issues[0].assignee: no person with id "olga" in people`},
		{"account manager with the wrong role", "    account_manager: anna", "    account_manager: oleh",
			`seed.yaml:17:22: clients[0].account_manager: oleh has role specialist, not account_manager`},
		{"unknown mention", `text: "<@oleh> hi"`, `text: "<@olga> hi"`,
			`seed.yaml:33:11: messages[0].text: mentions <@olga>, who is no person or client contact`},
		{"message before the start", "    at: +1m", "    at: -1m",
			`seed.yaml:30:9: messages[0].at: "-1m" is before the start; the Slack fake stamps messages with the clock, so offsets must be +0 or later`},
		{"thread of a later message", "  - at: +2m", "  - at: +0",
			`seed.yaml:37:16: messages[1].thread_of: message "first" is posted later (+1m), so it cannot be replied to yet`},
		{"unknown channel", "    channel: acme\n    user: anna", "    channel: zeta\n    user: anna",
			`seed.yaml:35:14: messages[1].channel: no client, channel name or channel id "zeta"`},
		{"bad estimate", "    estimate: 4h", "    estimate: four hours",
			`seed.yaml:27:15: issues[0].estimate: "fourhours" is not a duration such as "8h", "1d 4h" or "30m"`},
		{"wrong type", "    specialists: [oleh]", "    specialists: {a: oleh}",
			`seed.yaml:18:18: clients[0].specialists: must be a list`},
		{"scalar type error", "    name: Acme", "    name: [Acme]",
			`seed.yaml:16:11: clients[0].name: must be a single value, not a list`},
		{"unknown project", "  - project: ACME", "  - project: BETA",
			`seed.yaml:23:14: issues[0].project: no client has Jira project "BETA"`},
		{"activity by someone else", "    text: \"on it\"\n", "    text: \"on it\"\nactivity:\n  - {at: +3m, user: anna, edit: first, text: mine}\n",
			`seed.yaml:40:21: activity[0].user: only the author of "first" (petro) can edit it, as in Slack`},
		{"activity with two actions", "    text: \"on it\"\n", "    text: \"on it\"\nactivity:\n  - {at: +3m, delete: first, press: liaison_ack, user: anna}\n",
			`seed.yaml:40:5: activity[0]: needs exactly one of edit, delete, react and press; has 2`},
		{"activity before its message", "    text: \"on it\"\n", "    text: \"on it\"\nactivity:\n  - {at: +0, user: anna, react: first, reaction: eyes}\n",
			`seed.yaml:40:33: activity[0].react: message "first" is posted later (+1m)`},
		{"invalid YAML", "    summary: Fix things", "    summary: [Fix things",
			`seed.yaml:24:14: invalid YAML: did not find expected ',' or ']'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(minimal, tt.from) {
				t.Fatalf("test bug: %q is not in the minimal scenario", tt.from)
			}
			_, err := ParseScenario("seed.yaml", []byte(strings.Replace(minimal, tt.from, tt.to, 1)))
			var se SeedErrors
			if !errors.As(err, &se) || len(se) == 0 {
				t.Fatalf("error = %v, want SeedErrors", err)
			}
			if got := se[0].Error(); got != tt.want && !(strings.HasPrefix(tt.name, "invalid YAML") && strings.HasPrefix(got, "seed.yaml:")) {
				t.Errorf("first problem:\n got %s\nwant %s\n all: %v", got, tt.want, err)
			}
		})
	}
}

func TestParseScenarioReportsEveryProblem(t *testing.T) {
	bad := strings.NewReplacer("    due: +1d", "    due: soon", "    assignee: oleh", "    assignee: nobody").Replace(minimal)
	_, err := ParseScenario("seed.yaml", []byte(bad))
	var se SeedErrors
	if !errors.As(err, &se) || len(se) != 2 {
		t.Fatalf("want 2 problems, got %v", err)
	}
	if se[0].Line >= se[1].Line {
		t.Errorf("problems not in line order: %v", err)
	}
}

func TestSampleScenarioIsValid(t *testing.T) {
	sc := SampleScenario()
	if len(sc.Clients) != 3 || len(sc.People) != 8 {
		t.Fatalf("sample has %d clients and %d people, want 3 and 8", len(sc.Clients), len(sc.People))
	}
	zones := map[string]bool{}
	for _, c := range sc.Clients {
		zones[c.Timezone+"/"+string(c.Language)] = true
	}
	if len(zones) != 3 {
		t.Errorf("sample clients should differ in zone and language: %v", zones)
	}
}

func TestRelativeValues(t *testing.T) {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	now := time.Date(2026, 11, 25, 23, 30, 0, 0, kyiv) // late evening: "today" is still the 25th in Kyiv
	dates := []struct{ in, want, err string }{
		{"today", "2026-11-25", ""},
		{"+1d", "2026-11-26", ""},
		{"-3d", "2026-11-22", ""},
		{"+2w", "2026-12-09", ""},
		{"+6d", "2026-12-01", ""},
		{"2027-01-05", "2027-01-05", ""},
		{"+3h", "", "not a date"},
		{"tomorrow", "", "not a date"},
		{"2027-13-01", "", "not a date"},
	}
	for _, d := range dates {
		got, err := resolveDate(d.in, now)
		if d.err != "" {
			if err == nil || !strings.Contains(err.Error(), d.err) {
				t.Errorf("resolveDate(%q) = %q, %v; want error %q", d.in, got, err, d.err)
			}
			continue
		}
		if err != nil || got != d.want {
			t.Errorf("resolveDate(%q) = %q, %v; want %q", d.in, got, err, d.want)
		}
	}
	offsets := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"+5m", 5 * time.Minute, true}, {"-2h", -2 * time.Hour, true}, {"+1d12h", 36 * time.Hour, true},
		{"+0", 0, true}, {"now", 0, true}, {"1h30m", 90 * time.Minute, true}, {"-1w", -7 * 24 * time.Hour, true},
		{"+5", 0, false}, {"+m", 0, false}, {"5 minutes", 0, false}, {"", 0, false},
	}
	for _, o := range offsets {
		got, err := parseOffset(o.in)
		if (err == nil) != o.ok || got != o.want {
			t.Errorf("parseOffset(%q) = %v, %v; want %v ok=%v", o.in, got, err, o.want, o.ok)
		}
	}
	jira := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"8h", 8 * time.Hour, true}, {"1d 4h", 12 * time.Hour, true}, {"1w", 40 * time.Hour, true}, {"30m", 30 * time.Minute, true},
		{"0m", 0, true}, {"-1h", 0, false}, {"8", 0, false}, {"8x", 0, false},
	}
	for _, j := range jira {
		got, err := parseJiraDuration(j.in)
		if (err == nil) != j.ok || (j.ok && got != j.want) {
			t.Errorf("parseJiraDuration(%q) = %v, %v; want %v ok=%v", j.in, got, err, j.want, j.ok)
		}
	}
	bound, err := resolveWindowBound("+1h", time.Date(2026, 11, 25, 8, 0, 30, 0, time.UTC), kyiv, true)
	if err != nil || bound != "2026-11-25 11:01" {
		t.Errorf("window end +1h from 08:00:30Z in Kyiv = %q, %v; want 2026-11-25 11:01 (rounded outwards)", bound, err)
	}
}

// TestDocumentedExample keeps docs/SANDBOX.md honest: its complete example
// parses, seeds the fakes and yields a config the daemon accepts.
func TestDocumentedExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "SANDBOX.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "A complete example, with every key:\n\n```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/SANDBOX.md has no complete example")
	}
	sc, err := ParseScenario("SANDBOX.md", []byte(example))
	if err != nil {
		t.Fatalf("the documented example does not parse:\n%v", err)
	}
	e := start(t, sc, nil)
	cfg := e.config(t)
	if got := cfg.Client("acme-ua").Contacts[0].SlackUserID; got != "U0PETROSV01" {
		t.Errorf("contact Slack id = %q", got)
	}
	if is, ok := e.sb.Jira().Issue("ACME-7"); !ok || is.DueDate != "2026-11-22" || is.Reporter == "" {
		t.Errorf("ACME-7 = %+v, %v", is, ok)
	}
}
