package configs

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

const examplePath = "examples/agency.yaml"

// exampleEnv gives every variable the example references a valid
// placeholder; each secret holds a SECRET marker that must never leak.
var exampleEnv = map[string]string{
	"JIRA_EMAIL":                  "liaison-bot@northwind.example",
	"JIRA_API_TOKEN":              "jira-token-SECRET1",
	"JIRA_WEBHOOK_SECRET":         "jira-hook-SECRET2",
	"SLACK_BOT_TOKEN":             "xoxb-SECRET3",
	"SLACK_APP_TOKEN":             "xapp-SECRET4",
	"SLACK_SIGNING_SECRET":        "signing-SECRET5",
	"GOOGLE_SERVICE_ACCOUNT_JSON": `{"type":"service_account","client_email":"liaison@northwind.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nSECRET6\n-----END PRIVATE KEY-----\n"}`,
	"GOOGLE_ADS_DEVELOPER_TOKEN":  "ads-SECRET7",
}

func envOf(m map[string]string) Option {
	return WithLookupEnv(func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	})
}

func readExample(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func problemsOf(t *testing.T, err error) Problems {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is %T, not Problems: %v", err, err)
	}
	return ps
}

func TestExampleLoadsClean(t *testing.T) {
	cfg, err := Load(examplePath, envOf(exampleEnv))
	if err != nil {
		t.Fatalf("example does not load:\n%v", err)
	}
	if got := cfg.Unconfigured(); len(got) != 0 {
		t.Errorf("Unconfigured() = %q, want none with every variable set", got)
	}
	if !cfg.Connections.Jira.Configured() || !cfg.Connections.Slack.Configured() || !cfg.Connections.Google.AdsConfigured() {
		t.Errorf("connections not configured: %+v", cfg.Connections)
	}
	if got := cfg.Connections.Jira.APIToken.Reveal(); got != exampleEnv["JIRA_API_TOKEN"] {
		t.Errorf("jira token = %q, want the env value", got)
	}

	// Defaults inherited from the agency and the default calendar.
	olena := cfg.Person("olena")
	if olena == nil || olena.Timezone != "Europe/Kyiv" || olena.Language != connectors.LanguageUkrainian || olena.HolidayCalendar != "ua" {
		t.Errorf("olena = %+v, want agency defaults filled in", olena)
	}
	kate := cfg.Person("kate")
	if len(kate.Hours) != 1 || kate.Hours[0] != DefaultHours {
		t.Errorf("kate.Hours = %q, want the default schedule", kate.Hours)
	}

	cal := cfg.Calendar("marat")
	if cal == nil || cal.Location.String() != "Asia/Almaty" {
		t.Fatalf("Calendar(marat) = %+v, want Asia/Almaty", cal)
	}
	// 2026-03-23 (Nauryz, a Monday) is a holiday in the kz calendar only.
	nauryz := hours.Date{Year: 2026, Month: time.March, Day: 23}
	if cal.IsWorkingDay(nauryz) {
		t.Error("marat works on Nauryz; want the kz holiday applied")
	}
	if !cfg.Calendar("anna").IsWorkingDay(nauryz) {
		t.Error("anna is off on Nauryz; want the ua calendar")
	}
	if cfg.Calendar("anna").IsWorkingDay(hours.Date{Year: 2026, Month: time.August, Day: 12}) {
		t.Error("anna works during her vacation")
	}
	if cfg.Calendar("nobody") != nil || cfg.Person("nobody") != nil || cfg.Client("nobody") != nil || cfg.ClientRules("nobody") != nil {
		t.Error("unknown ids must give nil")
	}

	acme := cfg.Client("acme-ua")
	if acme.Head != "olena" {
		t.Errorf("acme head = %q, want olena (explicit)", acme.Head)
	}
	if got := cfg.Client("steppe-foods").Head; got != "olena" {
		t.Errorf("steppe head = %q, want olena (the only head)", got)
	}
	if got := acme.GoogleAds.CustomerIDs; len(got) != 1 || got[0] != "1234567890" {
		t.Errorf("customer ids = %q, want normalised digits", got)
	}
	if got := acme.GoogleAds.LoginCustomerID; got != "9876543210" {
		t.Errorf("login customer id = %q", got)
	}
	if got := cfg.Client("steppe-foods").Report; got.Period != "monthly" || got.FinalRunDay != DefaultFinalRunDay {
		t.Errorf("steppe report = %+v, want defaults", got)
	}
	if loc := cfg.ClientLocation("brightpath"); loc == nil || loc.String() != "America/New_York" {
		t.Errorf("ClientLocation(brightpath) = %v", loc)
	}
	if got := len(cfg.ClientsOf("anna")); got != 2 {
		t.Errorf("ClientsOf(anna) = %d clients, want 2", got)
	}

	// Exception windows are read in the client's zone: the first Monday of
	// June 2026 at 10:15 in Kyiv is inside acme's planning window.
	ws := cfg.ClientWindows("acme-ua")
	if len(ws) != 2 {
		t.Fatalf("acme windows = %d, want 2", len(ws))
	}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	if !ws[0].Contains(time.Date(2026, 6, 1, 10, 15, 0, 0, kyiv), cfg.ClientLocation("acme-ua")) {
		t.Error("planning window does not contain the first Monday 10:15")
	}
	// "to: 2026-03-06" is a bare date: the whole 6th is inside.
	if !ws[1].Contains(time.Date(2026, 3, 6, 20, 0, 0, 0, kyiv), nil) || ws[1].Contains(time.Date(2026, 3, 7, 0, 0, 0, 0, kyiv), nil) {
		t.Errorf("launch window = %v..%v, want through the end of March 6 in Kyiv", ws[1].From, ws[1].To)
	}

	if cfg.FAQ == nil {
		t.Fatal("the example's FAQ did not load")
	}
	if n := len(cfg.FAQ.Entries); n != 22 {
		t.Fatalf("FAQ has %d entries, want 22", n)
	}
}

func TestExampleWithoutEnvironment(t *testing.T) {
	// What `liaison check-config` sees in CI: no variable set.
	cfg, err := Load(examplePath, envOf(nil))
	if err != nil {
		t.Fatalf("example must load without env:\n%v", err)
	}
	want := []string{
		"jira: ${JIRA_EMAIL}, ${JIRA_API_TOKEN}, ${JIRA_WEBHOOK_SECRET} are not set",
		"slack: ${SLACK_BOT_TOKEN}, ${SLACK_APP_TOKEN}, ${SLACK_SIGNING_SECRET} are not set",
		"google: ${GOOGLE_SERVICE_ACCOUNT_JSON}, ${GOOGLE_ADS_DEVELOPER_TOKEN} are not set",
	}
	got := cfg.Unconfigured()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Unconfigured() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if cfg.Connections.Jira.Configured() || cfg.Connections.Slack.Configured() || cfg.Connections.Google.Configured() {
		t.Error("a connection with an unset variable must not be configured")
	}
	// Defaults survive dropping the block.
	if cfg.Connections.Slack.APIURL != "https://slack.com/api/" || cfg.Connections.Google.Ads.APIVersion != "v22" {
		t.Errorf("connection defaults lost: %+v", cfg.Connections)
	}

	// A required secret missing from a block whose other variables are set
	// is a problem that names the key, not a silently dropped connector.
	env := map[string]string{}
	for k, v := range exampleEnv {
		env[k] = v
	}
	delete(env, "SLACK_APP_TOKEN")
	_, err = Load(examplePath, envOf(env))
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 1 || probs[0].Path != "connections.slack.app_token" ||
		!strings.Contains(probs[0].Msg, "${SLACK_APP_TOKEN} is not set") {
		t.Errorf("Load without SLACK_APP_TOKEN = %v, want one problem at connections.slack.app_token", err)
	}
}

func TestOptionalSecretTurnsOffOnlyItsFeature(t *testing.T) {
	env := map[string]string{}
	for k, v := range exampleEnv {
		env[k] = v
	}
	delete(env, "JIRA_WEBHOOK_SECRET")
	delete(env, "SLACK_SIGNING_SECRET") // the example runs Slack in socket mode
	cfg, err := Load(examplePath, envOf(env))
	if err != nil {
		t.Fatalf("an unset optional secret must not fail the config:\n%v", err)
	}
	if got := cfg.Unconfigured(); len(got) != 0 {
		t.Errorf("Unconfigured() = %q, want every connector on", got)
	}
	if !cfg.Connections.Jira.Configured() || !cfg.Connections.Slack.Configured() {
		t.Fatal("jira and slack must stay configured")
	}
	if cfg.Connections.Jira.WebhookSecret.IsSet() || cfg.Connections.Slack.SigningSecret.IsSet() {
		t.Error("the unset secrets must read as not given")
	}
	want := []string{
		"jira: ${JIRA_WEBHOOK_SECRET} is not set: the Jira webhook (POST /jira/webhook) is off; changes arrive with the pull every 2 minutes",
		"slack: ${SLACK_SIGNING_SECRET} is not set: the Events API endpoint (/slack/events) is off; events arrive over Socket Mode",
	}
	if got := cfg.FeaturesOff(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("FeaturesOff() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// lineOf returns the 1-based line where s first starts in doc.
func lineOf(t *testing.T, doc, s string) int {
	t.Helper()
	i := strings.Index(doc, s)
	if i < 0 {
		t.Fatalf("%q not in document", s)
	}
	return strings.Count(doc[:i], "\n") + 1
}

func mustReplace(t *testing.T, doc, old, new string) string {
	t.Helper()
	if !strings.Contains(doc, old) {
		t.Fatalf("%q not in document", old)
	}
	return strings.Replace(doc, old, new, 1)
}

func TestExampleWithFourMistakes(t *testing.T) {
	doc := readExample(t)
	doc = mustReplace(t, doc, "    role: head ", "    nickname: Lena\n    role: head ")
	doc = mustReplace(t, doc, "timezone: Asia/Almaty\n    account_manager: marat", "timezone: Asia/Almaty_City\n    account_manager: marat")
	doc = mustReplace(t, doc, "account_manager: anna           #", "account_manager: annna          #")
	doc = mustReplace(t, doc, "  - id: brightpath", "  - id: acme-ua")
	dupLine := strings.LastIndex(doc[:strings.Index(doc, "name: BrightPath")], "- id: acme-ua")
	dupLine = strings.Count(doc[:dupLine], "\n") + 1

	_, err := Parse(examplePath, []byte(doc), envOf(exampleEnv), WithReadFile(os.ReadFile))
	ps := problemsOf(t, err)
	want := []Problem{
		{Line: lineOf(t, doc, "nickname: Lena"), Col: 5, Path: "people[0].nickname", Msg: `unknown key "nickname"`},
		{Line: lineOf(t, doc, "account_manager: annna"), Col: 22, Path: "clients[0].account_manager", Msg: `no person with id "annna" (did you mean "anna"?)`},
		{Line: lineOf(t, doc, "Asia/Almaty_City"), Col: 15, Path: "clients[1].timezone", Msg: `unknown time zone "Asia/Almaty_City"`},
		{Line: dupLine, Col: 9, Path: "clients[2].id", Msg: `duplicate client id "acme-ua"`},
	}
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(want), ps)
	}
	for i, w := range want {
		w.File = examplePath
		if ps[i] != w {
			t.Errorf("problem %d = %#v\nwant        %#v", i, ps[i], w)
		}
	}
	if got := ps[0].String(); got != examplePath+":"+strconv.Itoa(want[0].Line)+":5: people[0].nickname: unknown key \"nickname\"" {
		t.Errorf("String() = %q", got)
	}
	if lines := strings.Split(ps.Error(), "\n"); len(lines) != 4 {
		t.Errorf("Error() has %d lines, want one per problem", len(lines))
	}
}

func TestLoadUnreadableFileIsPlainError(t *testing.T) {
	_, err := Load("does/not/exist.yaml", WithFS(fstest.MapFS{}))
	if err == nil {
		t.Fatal("want an error")
	}
	var ps Problems
	if errors.As(err, &ps) {
		t.Errorf("unreadable file gave Problems: %v", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, err := Parse("bad.yaml", []byte("agency:\n  name: [unclosed\n"))
	ps := problemsOf(t, err)
	if len(ps) != 1 || ps[0].File != "bad.yaml" || ps[0].Line == 0 || !strings.Contains(ps[0].Msg, "invalid YAML") {
		t.Errorf("problems = %#v", ps)
	}
}

func TestAdsDeveloperTokenIsOptional(t *testing.T) {
	env := map[string]string{}
	for k, v := range exampleEnv {
		env[k] = v
	}
	delete(env, "GOOGLE_ADS_DEVELOPER_TOKEN")
	cfg, err := Load(examplePath, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Connections.Google.Configured() || cfg.Connections.Google.AdsConfigured() {
		t.Error("google must stay configured with Ads off")
	}
	if off := cfg.FeaturesOff(); len(off) != 1 || off[0] != "google: ${GOOGLE_ADS_DEVELOPER_TOKEN} is not set: Google Ads pulls are off; Search Console runs" {
		t.Errorf("FeaturesOff() = %q", off)
	}
}
