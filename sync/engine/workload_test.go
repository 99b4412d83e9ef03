package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
	"github.com/liaisonhq/liaison/rules/redirect"
	"github.com/liaisonhq/liaison/rules/workload"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// workloadYAML: Olena heads Anna (AM of Acme and Bolt) and Kate, their
// specialist, who works 8-hour days and is on vacation on Wednesday 9
// December 2026. Workload alerts for the head go to her, those for an AM
// (info) to that AM.
const workloadYAML = `
agency:
  name: Northwind Growth
  timezone: Europe/Kyiv
  language: en
  slack_team_id: T01NWGROWTH
people:
  - {id: olena, name: Olena Kovalenko, email: olena@n.example, role: head, slack_user_id: U01OLENA01, language: uk}
  - {id: anna, name: Anna Melnyk, email: anna@n.example, role: account_manager, slack_user_id: U01ANNA001}
  - {id: kate, name: Kate Bondar, email: kate@n.example, role: specialist, specialty: ppc, slack_user_id: U01KATE001,
     jira_account_id: "712020:kate", hours: ["mon-fri 09:00-13:00,14:00-18:00"], vacations: [{from: 2026-12-09, to: 2026-12-09}]}
clients:
  - id: acme
    name: Acme
    account_manager: anna
    specialists: [kate]
    jira_projects: [ACME]
    slack_channels: [C0ACME0001]
    contacts: [{name: Petro, slack_user_id: U0PETRO001}]
  - id: bolt
    name: Bolt
    account_manager: anna
    specialists: [kate]
    jira_projects: [BOLT]
    slack_channels: [C0BOLT0001]
delivery:
  routes:
    - {rule: workload, severity: info, recipients: [account_manager]}
    - {rule: workload, recipients: [head]}
`

type workloadEnv struct {
	t   *testing.T
	cfg *configs.Config
	st  store.Store
	clk *clock.Fake
	e   *Engine
}

// Monday 7 December 2026, 09:00 in Kyiv.
var workloadMonday = time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC)

func newWorkloadEnv(t *testing.T, now time.Time) *workloadEnv {
	t.Helper()
	cfg, err := configs.Parse("agency.yaml", []byte(workloadYAML), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(now)
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	v := &workloadEnv{t: t, cfg: cfg, st: st, clk: clk}
	v.e = v.engine()
	return v
}

// engine builds a new engine and deliverer over the same store, as a
// restarted process would.
func (v *workloadEnv) engine() *Engine {
	v.t.Helper()
	get := func() *configs.Config { return v.cfg }
	d, err := deliver.New(v.st, wlSlack{}, func() deliver.Directory { return v.cfg }, v.clk, nil, nil, deliver.Options{})
	if err != nil {
		v.t.Fatal(err)
	}
	return New(get, v.st, d, v.clk, nil)
}

// estimate stores Kate's five tasks, due Monday to Friday, each with
// perTask hours remaining.
func (v *workloadEnv) estimate(perTask int64) {
	v.t.Helper()
	var ts []connectors.Task
	for i, due := range []string{"2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"} {
		p := "ACME"
		if i >= 3 {
			p = "BOLT"
		}
		ts = append(ts, connectors.Task{Key: fmt.Sprintf("%s-%d", p, i+1), ID: fmt.Sprint(100 + i), ProjectKey: p,
			Summary: "Work", Status: "In Progress", StatusCategory: connectors.StatusCategoryInProgress,
			AssigneeAccountID: "712020:kate", DueDate: due, RemainingEstimate: connectors.Secs(perTask * 3600),
			Updated: v.clk.Now()})
	}
	if err := v.st.UpsertTasks(context.Background(), ts); err != nil {
		v.t.Fatal(err)
	}
}

func (v *workloadEnv) open() map[string]string {
	v.t.Helper()
	fs, err := v.st.ListOpenFindings(context.Background(), store.FindingFilter{Rule: workload.RuleName})
	if err != nil {
		v.t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range fs {
		ns, err := v.st.ListNotifications(context.Background(), store.NotificationFilter{FindingKey: f.Key})
		if err != nil {
			v.t.Fatal(err)
		}
		var to []string
		for _, n := range ns {
			to = append(to, n.Recipient)
		}
		out[f.ClientID+"/"+f.Fields[workload.FieldAM]+"/"+f.Fields[workload.FieldKind]] = strings.Join(to, ",")
	}
	return out
}

func TestRunWorkloadAlertsAndResolves(t *testing.T) {
	v := newWorkloadEnv(t, workloadMonday)
	v.estimate(8) // 40 h due this week; 32 h available, 28.8 h allowed
	if err := v.e.RunWorkload(t.Context()); err != nil {
		t.Fatal(err)
	}
	// One finding for the head and one for Anna, AM of both affected
	// clients, neither about a client.
	want := map[string]string{"//overloaded": "olena", "/anna/overloaded": "anna"}
	if got := v.open(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("open findings → recipients %v, want %v", got, want)
	}
	// Running again changes nothing.
	v.clk.Advance(time.Minute)
	if err := v.e.RunWorkload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := v.open(); len(got) != 2 {
		t.Fatalf("after a second run: %v", got)
	}

	v.clk.Advance(time.Hour)
	v.estimate(4) // re-estimated: 20 h of 31 h
	if err := v.e.RunWorkload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := v.open(); len(got) != 0 {
		t.Fatalf("still open after re-estimating below the limit: %v", got)
	}
}

func TestRunWorkloadTooManyClients(t *testing.T) {
	v := newWorkloadEnv(t, workloadMonday)
	v.cfg.People[1].Capacity.MaxClients = 1 // the config is read on every run
	if err := v.e.RunWorkload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := v.open(); fmt.Sprint(got) != fmt.Sprint(map[string]string{"//" + workload.KindTooManyClients: "olena"}) {
		t.Fatalf("open findings %v", got)
	}
	v.cfg.Rules.Workload.Enabled = false
	if err := v.e.RunWorkload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := v.open(); len(got) != 0 {
		t.Fatalf("turning the rule off left %v open", got)
	}
}

// says stores a channel message at a time.
func (v *workloadEnv) says(channel, user, text string, at time.Time) {
	v.t.Helper()
	m := connectors.Message{ChannelID: channel, TS: slackTS(at), UserID: user, Text: text, TeamID: "T01NWGROWTH"}
	if user == "U0PETRO001" {
		m.TeamID = "T0CLIENT01"
	}
	if err := v.st.UpsertMessages(context.Background(), []connectors.Message{m}); err != nil {
		v.t.Fatal(err)
	}
}

func (v *workloadEnv) digests() []store.Delivery {
	v.t.Helper()
	ds, err := v.st.ListDeliveries(context.Background(), store.DeliveryFilter{})
	if err != nil {
		v.t.Fatal(err)
	}
	var out []store.Delivery
	for _, d := range ds {
		if strings.Contains(d.Key, "workload-digest/") {
			out = append(out, d)
		}
	}
	return out
}

func TestRunWorkloadDigestOncePerWeek(t *testing.T) {
	// Sunday evening before the digest's week.
	v := newWorkloadEnv(t, time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC))
	v.estimate(8)
	// Last week: a redirect of Petro's message naming Kate, and Kate
	// answering him anyway.
	tue := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	v.says("C0ACME0001", "U0PETRO001", "<@U01KATE001> can you check the campaign?", tue)
	v.says("C0ACME0001", "U01KATE001", "Checked, all good", tue.Add(5*time.Minute))
	// Then a question addressed to nobody, which Kate answers herself:
	// direct contact too, counted apart.
	v.says("C0ACME0001", "U0PETRO001", "Any news on the December budget?", tue.Add(time.Hour))
	v.says("C0ACME0001", "U01KATE001", "Yes, sending it today", tue.Add(time.Hour+5*time.Minute))
	rf := rules.Finding{Key: "redirect:test1", Rule: redirect.RuleName, ClientID: "acme",
		Subject: rules.Subject{Kind: rules.SubjectMessage, ID: "C0ACME0001/x"}, Title: "Petro wrote to Kate",
		Fields: map[string]string{redirect.FieldSpecialist: "kate"}, FirstSeen: tue, LastSeen: tue}
	if _, err := v.st.UpsertFinding(t.Context(), rf); err != nil {
		t.Fatal(err)
	}

	run := func() {
		t.Helper()
		if err := v.e.RunWorkloadDigest(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	run()
	if ds := v.digests(); len(ds) != 0 {
		t.Fatalf("digest queued on Sunday: %v", ds)
	}
	v.clk.Set(workloadMonday.Add(-30 * time.Minute)) // Monday 08:30 in Kyiv: the week has begun, work has not
	run()
	if ds := v.digests(); len(ds) != 0 {
		t.Fatalf("digest queued before the head's first working moment: %v", ds)
	}
	v.clk.Set(workloadMonday.Add(2 * time.Minute))
	run()
	v.clk.Advance(time.Hour)
	run()
	v.e = v.engine() // a restart
	run()
	ds := v.digests()
	if len(ds) != 1 {
		t.Fatalf("%d digests this week, want 1", len(ds))
	}
	d := ds[0]
	if d.Key != "reply/workload-digest/olena/2026-W50" || d.Recipient != "olena" || !d.DueAt.Equal(workloadMonday.Add(2*time.Minute)) {
		t.Errorf("digest %s to %s due %v", d.Key, d.Recipient, d.DueAt)
	}
	payload := string(d.Payload)
	for _, want := range []string{
		"Завантаження · тиждень 2026-W50",
		"*Kate Bondar* · спеціаліст · ⚠️ понад ліміт — Відкриті задачі: 5/15; Оцінка / доступно: 40 год / 32 год; Прострочено: 0; Перенаправлення: 1; Прямі відповіді · після перенаправлення: 1; Прямі відповіді · без звернення: 1",
		"*Anna Melnyk* · акаунт-менеджер — Клієнти: 2/8; Прострочено: 0; Перенаправлення: 1; Прямі відповіді · після перенаправлення: 1; Прямі відповіді · без звернення: 1",
		"████",
	} {
		if !strings.Contains(payload, want) {
			t.Errorf("digest lacks %q:\n%s", want, payload)
		}
	}

	// Next week, another one.
	v.clk.Set(workloadMonday.Add(7 * 24 * time.Hour))
	run()
	if ds := v.digests(); len(ds) != 2 || ds[1].Key != "reply/workload-digest/olena/2026-W51" {
		t.Fatalf("next week's digests: %d", len(ds))
	}
	// A daemon first running on Tuesday afternoon does not send Monday's
	// digest: it is stale by then.
	v.clk.Set(workloadMonday.Add(15*24*time.Hour + 6*time.Hour))
	run()
	if ds := v.digests(); len(ds) != 2 {
		t.Fatalf("a stale digest was queued: %d", len(ds))
	}
}

func TestDigestWeek(t *testing.T) {
	v := newWorkloadEnv(t, workloadMonday)
	cal := v.cfg.Calendar("kate") // Wednesday 9 December off
	tests := []struct {
		now  time.Time
		wd   time.Weekday
		week string
		send time.Time
		ok   bool
	}{
		{workloadMonday, time.Monday, "2026-W50", workloadMonday, true},
		{workloadMonday.Add(-time.Hour), time.Monday, "2026-W50", workloadMonday, true},
		{time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC), time.Wednesday, "2026-W50", time.Date(2026, 12, 10, 7, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 12, 13, 12, 0, 0, 0, time.UTC), time.Saturday, "2026-W50", time.Date(2026, 12, 14, 7, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		week, _, send, ok := digestWeek(cal, tt.wd, tt.now)
		if week != tt.week || !send.Equal(tt.send) || ok != tt.ok {
			t.Errorf("digestWeek(%v, %v) = %s %v %v, want %s %v %v", tt.now, tt.wd, week, send, ok, tt.week, tt.send, tt.ok)
		}
	}
	// A week spent on vacation has no digest: it would arrive in the next.
	away := *cal
	from, _ := hours.ParseDate("2026-12-14")
	to, _ := hours.ParseDate("2026-12-20")
	away.Vacations = []hours.DateRange{{From: from, To: to}}
	if week, _, _, ok := digestWeek(&away, time.Monday, time.Date(2026, 12, 16, 12, 0, 0, 0, time.UTC)); ok {
		t.Errorf("a digest in week %s spent on vacation", week)
	}
}

// wlSlack is the Slack of tests that never deliver: any call is an error.
type wlSlack struct{}

var errWLSlack = errors.New("these tests do not send to slack")

func (wlSlack) PostMessage(context.Context, deliver.Message) (string, error) { return "", errWLSlack }
func (wlSlack) UpdateMessage(context.Context, string, deliver.Message) error { return errWLSlack }
func (wlSlack) PostEphemeral(context.Context, string, deliver.Message) error { return errWLSlack }
func (wlSlack) OpenDM(context.Context, string) (string, error)               { return "", errWLSlack }
func (wlSlack) FindByMetadata(context.Context, string, string, string, string, time.Time, int) (string, bool, error) {
	return "", false, errWLSlack
}
