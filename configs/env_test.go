package configs

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

func TestExpand(t *testing.T) {
	env := map[string]string{"A": "alpha", "B": "beta", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cases := []struct {
		in, want string
		missing  []string
		err      bool
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "alpha"},
		{in: "x-${A}-${B}", want: "x-alpha-beta"},
		{in: "${EMPTY}", want: ""},
		{in: "$${A}", want: "${A}"},
		{in: "$$$${A}", want: "$${A}"},
		{in: "$$", want: "$"},
		{in: "costs $5", want: "costs $5"},
		{in: "ends with $", want: "ends with $"},
		{in: "$A is not expanded", want: "$A is not expanded"},
		{in: "${A}${NOPE}${NOPE2}", want: "alpha", missing: []string{"NOPE", "NOPE2"}},
		{in: "${A", err: true},
		{in: "${}", err: true},
		{in: "${1A}", err: true},
		{in: "${A-B}", err: true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, missing, err := expand(tc.in, lookup)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if tc.err {
				return
			}
			if got != tc.want || fmt.Sprint(missing) != fmt.Sprint(tc.missing) {
				t.Errorf("expand(%q) = %q, missing %v; want %q, missing %v", tc.in, got, missing, tc.want, tc.missing)
			}
		})
	}
}

func TestEnvRetypesPlainScalars(t *testing.T) {
	doc := strings.Replace(baseConfig, "final_run_day: 5", "final_run_day: ${DAY}", 1)
	doc = strings.Replace(doc, "name: Beta", `name: "${DAY}"`, 1)
	cfg, err := Parse("cfg/agency.yaml", []byte(doc), envOf(map[string]string{"DAY": "7"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Client("acme").Report.FinalRunDay; got != 7 {
		t.Errorf("final_run_day = %d, want 7 from ${DAY}", got)
	}
	if got := cfg.Client("beta").Name; got != "7" {
		t.Errorf("name = %q, want the quoted value kept a string", got)
	}
}

func TestSecretFiles(t *testing.T) {
	doc := baseConfig + `connections:
  jira:
    base_url: https://northwind.atlassian.net
    email: bot@agency.example
    api_token_file: secrets/jira-token
    webhook_secret_file: /etc/liaison/hook
  slack:
    bot_token: ${SLACK_BOT_TOKEN}
    app_token_file: secrets/slack-app
store:
  driver: postgres
  dsn_file: secrets/dsn
`
	fsys := fstest.MapFS{
		"cfg/secrets/jira-token": {Data: []byte("jira-SECRET\n")},
		"etc/liaison/hook":       {Data: []byte("hook-SECRET\r\n")},
		"cfg/secrets/slack-app":  {Data: []byte("xapp-SECRET")},
		"cfg/secrets/dsn":        {Data: []byte("postgres://liaison:pw-SECRET@db/liaison\n\n")},
	}
	cfg, err := Parse("cfg/agency.yaml", []byte(doc), envOf(map[string]string{"SLACK_BOT_TOKEN": "xoxb-SECRET"}), WithReadFile(func(p string) ([]byte, error) {
		return fsys.ReadFile(strings.TrimPrefix(p, "/"))
	}))
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ got, want string }{
		"jira api_token (relative to config dir)": {cfg.Connections.Jira.APIToken.Reveal(), "jira-SECRET"},
		"jira webhook_secret (absolute, CRLF)":    {cfg.Connections.Jira.WebhookSecret.Reveal(), "hook-SECRET"},
		"slack app_token (no newline)":            {cfg.Connections.Slack.AppToken.Reveal(), "xapp-SECRET"},
		"slack bot_token (env)":                   {cfg.Connections.Slack.BotToken.Reveal(), "xoxb-SECRET"},
		"store dsn (blank lines trimmed)":         {cfg.Store.DSN.Reveal(), "postgres://liaison:pw-SECRET@db/liaison"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", name, tc.got, tc.want)
		}
	}
}

// TestSecretsNeverLeak loads configs full of secrets (valid and invalid) and
// checks every way a secret could escape: problems, the redacted dump, fmt
// verbs and slog.
func TestSecretsNeverLeak(t *testing.T) {
	const marker = "SECRET"
	t.Run("valid", func(t *testing.T) {
		cfg, err := Load(examplePath, envOf(exampleEnv))
		if err != nil {
			t.Fatal(err)
		}
		out, err := cfg.RedactedYAML()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), marker) {
			t.Errorf("RedactedYAML leaks a secret:\n%s", out)
		}
		if !strings.Contains(string(out), "api_token: <redacted>") {
			t.Error("RedactedYAML does not show redacted secrets")
		}
		var logged strings.Builder
		slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "connections", cfg.Connections, "store", cfg.Store, "token", cfg.Connections.Slack.BotToken)
		for _, s := range []string{
			fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", *cfg), fmt.Sprintf("%#v", *cfg),
			fmt.Sprintf("%v", cfg.Connections), fmt.Sprintf("%+v", cfg.Connections), fmt.Sprintf("%#v", cfg.Connections),
			fmt.Sprintf("%s %q %x %X %d", cfg.Connections.Jira.APIToken, cfg.Connections.Jira.APIToken,
				cfg.Connections.Jira.APIToken, cfg.Connections.Jira.APIToken, cfg.Connections.Jira.APIToken),
			logged.String(),
		} {
			if strings.Contains(s, marker) {
				t.Errorf("formatted config leaks a secret: %.300s", s)
			}
		}
	})
	t.Run("invalid", func(t *testing.T) {
		doc := strings.Replace(readExample(t), "mode: socket ", "mode: events ", 1)
		env := map[string]string{
			"JIRA_EMAIL":                  "SECRET-not-an-email",
			"JIRA_API_TOKEN":              "jira-SECRET",
			"JIRA_WEBHOOK_SECRET":         "hook-SECRET",
			"SLACK_BOT_TOKEN":             "xoxp-SECRET",
			"SLACK_APP_TOKEN":             "bad-SECRET",
			"SLACK_SIGNING_SECRET":        "sign-SECRET",
			"GOOGLE_SERVICE_ACCOUNT_JSON": `{"type":"user","private_key":"SECRET"}`,
			"GOOGLE_ADS_DEVELOPER_TOKEN":  "ads-SECRET",
		}
		_, err := Parse(examplePath, []byte(doc), envOf(env))
		ps := problemsOf(t, err)
		if len(ps) < 3 {
			t.Fatalf("want problems for the bad slack token, service account and email; got %v", ps)
		}
		for _, p := range ps {
			if strings.Contains(p.String(), "SECRET") && p.Path != "connections.jira.email" {
				t.Errorf("problem leaks a secret: %s", p)
			}
		}
	})
}

func TestClientRuleOverridesInherit(t *testing.T) {
	doc := mustReplace(t, baseConfig, "rules:\n", `rules:
  response: {first_response: 3h, escalate_after: 6h}
  redirect:
    templates: {ru: "Ваш менеджер {{.AM}}"}
`)
	doc = mustReplace(t, doc, "    jira_projects: [BETA]\n", `    jira_projects: [BETA]
    rules:
      response: {escalate_after: 8h}
      redirect:
        reply_in_thread: false
        templates: {en: "Your AM is {{.AMName}}"}
      checklists:
        lists:
          onboarding: {items: [Kick-off call], assignee_role: account_manager, due_offset_days: 1, schedule: on_start}
`)
	cfg, err := Parse("cfg/agency.yaml", []byte(doc), envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	beta, acme := cfg.ClientRules("beta"), cfg.ClientRules("acme")
	defaultEN := cfg.Rules.Redirect.Templates[connectors.LanguageEnglish]
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"overridden key", beta.Response.EscalateAfter, 8 * time.Hour},
		{"sibling inherits the top-level value", beta.Response.FirstResponse, 3 * time.Hour},
		{"untouched key inherits", beta.Response.Enabled, true},
		{"overridden bool", beta.Redirect.ReplyInThread, false},
		{"sibling bool inherits default", beta.Redirect.NotifySpecialist, true},
		{"overridden template", beta.Redirect.Templates[connectors.LanguageEnglish], "Your AM is {{.AMName}}"},
		{"template from the top level", beta.Redirect.Templates[connectors.LanguageRussian], "Ваш менеджер {{.AM}}"},
		{"template from the defaults", beta.Redirect.Templates[connectors.LanguageUkrainian], cfg.Rules.Redirect.Templates[connectors.LanguageUkrainian]},
		{"added checklist", len(beta.Checklists.Lists), 2},
		{"whole rule untouched", beta.Deadline, cfg.Rules.Deadline},
		// The override must not leak into the top level or other clients.
		{"top level unchanged", cfg.Rules.Response.EscalateAfter, 6 * time.Hour},
		{"top-level template unchanged", cfg.Rules.Redirect.Templates[connectors.LanguageEnglish], defaultEN},
		{"other client unchanged", acme.Redirect.ReplyInThread, true},
		{"other client checklists", len(acme.Checklists.Lists), 1},
		{"top-level checklists", len(cfg.Rules.Checklists.Lists), 1},
	} {
		if fmt.Sprint(tc.got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestDefaultsAreValid(t *testing.T) {
	r := DefaultRules()
	for _, b := range r.blocks() {
		if err := b.v.Validate(); err != nil {
			t.Errorf("default %s settings invalid: %v", b.name, err)
		}
	}
	c := defaultConfig()
	for name, v := range map[string]validator{"delivery": c.Delivery, "jira": c.Connections.Jira, "slack": c.Connections.Slack, "google": c.Connections.Google} {
		if err := v.Validate(); err != nil {
			t.Errorf("default %s invalid: %v", name, err)
		}
	}
}

func TestMinimalConfig(t *testing.T) {
	cfg, err := Parse("min.yaml", []byte("agency: {name: Solo, timezone: UTC}\n"), envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Listen != ":9090" || cfg.Store.Driver != "sqlite" || cfg.Store.DataDir != "/var/lib/liaison" || cfg.Log.Level != "info" {
		t.Errorf("defaults not applied: %+v %+v %+v", cfg.Server, cfg.Store, cfg.Log)
	}
	if cfg.Delivery.GroupWait != 30*time.Second || cfg.Delivery.RepeatInterval != 24*time.Hour {
		t.Errorf("delivery defaults: %+v", cfg.Delivery)
	}
	if got := len(cfg.Unconfigured()); got != 3 {
		t.Errorf("Unconfigured() = %q, want all three", cfg.Unconfigured())
	}
	// A Config not built by Load answers lookups with nil instead of panicking.
	var empty Config
	if empty.Person("x") != nil || empty.Calendar("x") != nil || empty.Unconfigured() != nil {
		t.Error("zero Config lookups must be nil")
	}
	_, err = Parse("empty.yaml", nil, envOf(nil))
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 2 {
		t.Errorf("empty file: want agency.name and agency.timezone required, got %v", err)
	}
}
