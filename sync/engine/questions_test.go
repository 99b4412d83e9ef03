package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/questions"
	"github.com/liaisonhq/liaison/rules/redirect"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

const questionsYAML = `
agency:
  name: Northwind Growth
  timezone: Europe/Kyiv
  language: uk
  slack_team_id: T01NWGROWTH
people:
  - {id: olena, name: Olena Kovalenko, email: olena@n.example, role: head, slack_user_id: U01OLENA01}
  - {id: marat, name: Marat Seitkali, email: marat@n.example, role: account_manager, slack_user_id: U01MARAT01,
     timezone: Asia/Almaty, language: ru, hours: ["mon-fri 10:00-19:00"]}
  - {id: anna, name: Anna Melnyk, email: anna@n.example, role: account_manager, slack_user_id: U01ANNA001}
  - {id: timur, name: Timur Abenov, email: timur@n.example, role: specialist, specialty: ppc, slack_user_id: U01TIMUR01,
     jira_account_id: "712020:timur", timezone: Asia/Almaty, language: ru}
  - {id: iryna, name: Iryna Shevchuk, email: iryna@n.example, role: specialist, specialty: seo, slack_user_id: U01IRYNA01,
     jira_account_id: "712020:iryna", language: uk}
clients:
  - id: steppe-foods
    name: Steppe Foods
    language: ru
    timezone: Asia/Almaty
    account_manager: marat
    specialists: [timur, iryna]
    jira_projects: [STEP]
    slack_channels: [C0STEPPE01]
    contacts: [{name: Aigerim Nurlanovna, slack_user_id: U0AIGERIM1}]
  - id: acme-ua
    name: Acme Ukraine
    account_manager: anna
    specialists: [iryna]
    jira_projects: [ACME]
    slack_channels: [C0ACMEUA01]
    contacts: [{name: Petro, slack_user_id: U0PETRO001}]
    rules:
      questions: {enabled: false}
  - id: nojira
    name: No Jira Ltd
    account_manager: anna
    specialists: [iryna]
    slack_channels: [C0NOJIRA01]
    contacts: [{name: Ned, slack_user_id: U0NED00001}]
`

const steppe = "C0STEPPE01"

// fakeJira is an IssueWriter that refuses what Jira refuses for these
// calls: unknown projects, issue types and assignees, empty or overlong
// summaries, labels with spaces, malformed due dates, overlong
// descriptions, and edits of issues that do not exist.
type fakeJira struct {
	mu       sync.Mutex
	issues   map[string]*jira.IssueSpec // by key
	byIdem   map[string]string          // idempotency key → issue key
	creates  int
	edits    int
	failNext error
	dryRun   bool
}

func newFakeJira() *fakeJira {
	return &fakeJira{issues: map[string]*jira.IssueSpec{}, byIdem: map[string]string{}}
}

var jiraDateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func (f *fakeJira) checkDescription(d string) error {
	if len([]rune(d)) > 32767 {
		return fmt.Errorf("400: description: must be less than 32767 characters")
	}
	return nil
}

func (f *fakeJira) EnsureIssue(_ context.Context, spec jira.IssueSpec) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failNext; err != nil {
		f.failNext = nil
		return "", false, err
	}
	if spec.IdempotencyKey == "" {
		return "", false, errors.New("idempotency key is required")
	}
	if k, ok := f.byIdem[spec.IdempotencyKey]; ok {
		return k, false, nil
	}
	// Jira's EnsureIssue searches, then creates: two concurrent callers can
	// both miss and both create. Leave that window open, as Jira does.
	f.mu.Unlock()
	runtime.Gosched()
	f.mu.Lock()
	switch {
	case spec.Project != "STEP" && spec.Project != "ACME":
		return "", false, fmt.Errorf("400: project: valid project is required")
	case spec.IssueType != "Task":
		return "", false, fmt.Errorf("400: issuetype: %q is not valid", spec.IssueType)
	case strings.TrimSpace(spec.Summary) == "" || len([]rune(spec.Summary)) > 255:
		return "", false, fmt.Errorf("400: summary: must be 1..255 characters")
	case spec.DueDate != "" && !jiraDateRE.MatchString(spec.DueDate):
		return "", false, fmt.Errorf("400: duedate: %q is not a date", spec.DueDate)
	case spec.AssigneeAccountID != "712020:timur" && spec.AssigneeAccountID != "712020:iryna":
		return "", false, fmt.Errorf("400: assignee: %q cannot be assigned", spec.AssigneeAccountID)
	}
	for _, l := range spec.Labels {
		if strings.ContainsAny(l, " \t") {
			return "", false, fmt.Errorf("400: labels: %q contains spaces", l)
		}
	}
	if err := f.checkDescription(spec.Description); err != nil {
		return "", false, err
	}
	if f.dryRun {
		return "", true, nil
	}
	f.creates++
	key := fmt.Sprintf("%s-%d", spec.Project, len(f.issues)+1)
	s := spec
	f.issues[key] = &s
	f.byIdem[spec.IdempotencyKey] = key
	return key, true, nil
}

func (f *fakeJira) EditIssue(_ context.Context, key string, e jira.IssueEdit) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failNext; err != nil {
		f.failNext = nil
		return err
	}
	is, ok := f.issues[key]
	if !ok {
		return fmt.Errorf("404: issue %s does not exist", key)
	}
	if e.Description != nil {
		if err := f.checkDescription(*e.Description); err != nil {
			return err
		}
		is.Description = *e.Description
	}
	f.edits++
	return nil
}

func (f *fakeJira) fail(err error) {
	f.mu.Lock()
	f.failNext = err
	f.mu.Unlock()
}

// only returns the one issue the fake holds, failing otherwise.
func (f *fakeJira) only(t *testing.T) (string, jira.IssueSpec) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.issues) != 1 {
		t.Fatalf("%d issues in jira, want 1", len(f.issues))
	}
	for k, is := range f.issues {
		return k, *is
	}
	return "", jira.IssueSpec{}
}

func (f *fakeJira) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.issues)
}

var numberedRE = regexp.MustCompile(`(?m)^\d+\. `)

func numbered(s string) int { return len(numberedRE.FindAllString(s, -1)) }

// recorder is the Reconciler: it keeps what event-driven rules record.
type recorder struct {
	mu       sync.Mutex
	findings []rules.Finding
}

func (r *recorder) Reconcile(context.Context, string, []string, []rules.Finding, time.Time) (deliver.ReconcileResult, error) {
	return deliver.ReconcileResult{}, errors.New("the question queue must not reconcile")
}

func (r *recorder) Record(_ context.Context, rule string, fs []rules.Finding, _ []deliver.Reply, _ time.Time) (deliver.ReconcileResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range fs {
		if f.Rule != rule || f.Key == "" {
			return deliver.ReconcileResult{}, fmt.Errorf("finding %q of rule %q recorded as %s", f.Key, f.Rule, rule)
		}
	}
	r.findings = append(r.findings, fs...)
	return deliver.ReconcileResult{New: len(fs)}, nil
}

type questionsEnv struct {
	t   *testing.T
	st  store.Store
	clk *clock.Fake
	cfg *configs.Config
	rec *recorder
	e   *Engine
	jr  *fakeJira
	q   *Questions
}

// Tuesday 1 December 2026, 11:00 in Almaty.
var questionsStart = time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)

func newQuestionsEnv(t *testing.T) *questionsEnv {
	t.Helper()
	cfg, err := configs.Parse("agency.yaml", []byte(questionsYAML), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(questionsStart)
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rec := &recorder{}
	e := New(func() *configs.Config { return cfg }, st, rec, clk, nil)
	jr := newFakeJira()
	return &questionsEnv{t: t, st: st, clk: clk, cfg: cfg, rec: rec, e: e, jr: jr, q: NewQuestions(e, jr)}
}

// says stores a message as the ingester would; user picks the side.
func (v *questionsEnv) says(channel, user, text, threadTS string) connectors.Message {
	v.t.Helper()
	v.clk.Advance(time.Second)
	now := v.clk.Now()
	ts := fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
	client := ""
	for _, c := range v.cfg.Clients {
		if slices.Contains(c.SlackChannels, channel) {
			client = c.ID
		}
	}
	m := connectors.Message{ChannelID: channel, TS: ts, ThreadTS: threadTS, UserID: user, Text: text, ClientID: client,
		Permalink: "https://n.slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")}
	if err := v.st.UpsertMessages(context.Background(), []connectors.Message{m}); err != nil {
		v.t.Fatal(err)
	}
	return m
}

func (v *questionsEnv) react(m connectors.Message, user, emoji string) error {
	return v.q.OnReaction(context.Background(), Reaction{Channel: m.ChannelID, ItemTS: m.TS, UserID: user, Reaction: emoji})
}

func (v *questionsEnv) mustReact(m connectors.Message, user, emoji string) {
	v.t.Helper()
	if err := v.react(m, user, emoji); err != nil {
		v.t.Fatal(err)
	}
}

// closeTask stores the task as the Jira pull would, in category cat.
func (v *questionsEnv) closeTask(key string, cat connectors.StatusCategory) {
	v.t.Helper()
	v.clk.Advance(time.Minute)
	if err := v.st.UpsertTasks(context.Background(), []connectors.Task{{Key: key, ProjectKey: strings.Split(key, "-")[0],
		Summary: "questions", Status: string(cat), StatusCategory: cat, Updated: v.clk.Now()}}); err != nil {
		v.t.Fatal(err)
	}
}

func TestOnReactionForwardsOnlyTheAMsReactionOnClientMessages(t *testing.T) {
	const (
		aigerim = "U0AIGERIM1"
		marat   = "U01MARAT01"
	)
	tests := []struct {
		name     string
		channel  string
		author   string
		reactor  string
		emoji    string
		deleted  bool
		wantTask bool
	}{
		{"the AM", steppe, aigerim, marat, "question", false, true},
		{"the AM with a skin tone", steppe, aigerim, marat, "question::skin-tone-3", false, true},
		{"the head", steppe, aigerim, "U01OLENA01", "question", false, true},
		{"another client's AM", steppe, aigerim, "U01ANNA001", "question", false, false},
		{"the specialist", steppe, aigerim, "U01TIMUR01", "question", false, false},
		{"the client", steppe, aigerim, aigerim, "question", false, false},
		{"another emoji", steppe, aigerim, marat, "eyes", false, false},
		{"an agency message", steppe, "U01TIMUR01", marat, "question", false, false},
		{"an unknown author", steppe, "U0NOBODY01", marat, "question", false, false},
		{"a deleted message", steppe, aigerim, marat, "question", true, false},
		{"rule disabled for the client", "C0ACMEUA01", "U0PETRO001", "U01ANNA001", "question", false, false},
		{"client without a jira project", "C0NOJIRA01", "U0NED00001", "U01ANNA001", "question", false, false},
		{"not a client channel", "C0RANDOM01", aigerim, marat, "question", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newQuestionsEnv(t)
			m := v.says(tt.channel, tt.author, "Когда будет отчёт?", "")
			if tt.deleted {
				if err := v.st.MarkMessageDeleted(context.Background(), m.ChannelID, m.TS); err != nil {
					t.Fatal(err)
				}
			}
			v.mustReact(m, tt.reactor, tt.emoji)
			if got := v.jr.count(); got != map[bool]int{true: 1, false: 0}[tt.wantTask] {
				t.Fatalf("%d tasks, want task=%v", got, tt.wantTask)
			}
			if !tt.wantTask {
				if _, err := v.st.GetReportState(context.Background(), questionIndexKey); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("an ignored reaction left state behind: %v", err)
				}
				return
			}
			_, is := v.jr.only(t)
			if is.IdempotencyKey != questions.BatchKey("steppe-foods", "timur", "2026-W49") || is.Project != "STEP" ||
				is.AssigneeAccountID != "712020:timur" || numbered(is.Description) != 1 {
				t.Errorf("task %+v", is)
			}
		})
	}
}

func TestOnReactionPicksTheSpecialist(t *testing.T) {
	v := newQuestionsEnv(t)
	parent := v.says(steppe, "U0AIGERIM1", "Вопрос по SEO", "")
	v.says(steppe, "U01IRYNA01", "Відповім завтра", parent.TS)
	v.says(steppe, "U01MARAT01", "Коллеги, я подключусь", parent.TS)
	inThread := v.says(steppe, "U0AIGERIM1", "А по ключевым словам?", parent.TS)
	mentioned := v.says(steppe, "U0AIGERIM1", "<@U01IRYNA01> <@U01TIMUR01> вопрос", "")
	plain := v.says(steppe, "U0AIGERIM1", "Общий вопрос", "")
	for _, m := range []connectors.Message{inThread, mentioned, plain} {
		v.mustReact(m, "U01MARAT01", "question")
	}
	want := map[string]int{
		questions.BatchKey("steppe-foods", "iryna", "2026-W49"): 2, // thread, first mention
		questions.BatchKey("steppe-foods", "timur", "2026-W49"): 1, // the client's first specialist
	}
	for key, n := range want {
		v.jr.mu.Lock()
		is := v.jr.issues[v.jr.byIdem[key]]
		v.jr.mu.Unlock()
		if is == nil || numbered(is.Description) != n {
			t.Errorf("batch %s: task %+v, want %d questions", key, is, n)
		}
	}
	// Iryna writes Ukrainian; her task says so.
	v.jr.mu.Lock()
	defer v.jr.mu.Unlock()
	if is := v.jr.issues[v.jr.byIdem[questions.BatchKey("steppe-foods", "iryna", "2026-W49")]]; is == nil ||
		!strings.HasPrefix(is.Summary, "Питання клієнта Steppe Foods") || !strings.Contains(is.Description, "@Iryna Shevchuk @Timur Abenov вопрос") {
		t.Errorf("iryna's task %+v", is)
	}
}

func TestOnReactionRetriesJiraFailures(t *testing.T) {
	v := newQuestionsEnv(t)
	first := v.says(steppe, "U0AIGERIM1", "Первый вопрос", "")
	v.jr.fail(errors.New("503: jira unavailable"))
	if err := v.react(first, "U01MARAT01", "question"); err == nil {
		t.Fatal("a failed Jira write was not reported")
	}
	if v.jr.count() != 0 {
		t.Fatal("a task exists after a failed create")
	}
	// Slack redelivers the event: the stored question is pushed now.
	v.mustReact(first, "U01MARAT01", "question")
	key, is := v.jr.only(t)
	if numbered(is.Description) != 1 {
		t.Fatalf("%d questions after the retry, want 1", numbered(is.Description))
	}

	second := v.says(steppe, "U0AIGERIM1", "Второй вопрос", "")
	v.jr.fail(errors.New("503: jira unavailable"))
	if err := v.react(second, "U01MARAT01", "question"); err == nil {
		t.Fatal("a failed edit was not reported")
	}
	if err := v.q.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, is = v.jr.only(t); numbered(is.Description) != 2 || !strings.Contains(is.Description, "Второй вопрос") {
		t.Fatalf("after Flush the task lists %d questions, want 2:\n%s", numbered(is.Description), is.Description)
	}
	// Nothing pending: Flush and repeated reactions write nothing.
	edits := v.jr.edits
	v.mustReact(second, "U01MARAT01", "question")
	if err := v.q.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v.jr.edits != edits || v.jr.creates != 1 {
		t.Errorf("idle calls wrote to Jira: %d edits, %d creates", v.jr.edits-edits, v.jr.creates)
	}
	if key == "" {
		t.Fatal("no key")
	}
}

func TestOnReactionConcurrently(t *testing.T) {
	v := newQuestionsEnv(t)
	var msgs []connectors.Message
	for i := range 8 {
		msgs = append(msgs, v.says(steppe, "U0AIGERIM1", fmt.Sprintf("Вопрос %d", i), ""))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(msgs))
	for _, m := range msgs {
		for range 2 { // Slack delivers events twice
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- v.react(m, "U01MARAT01", "question")
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, is := v.jr.only(t)
	for _, m := range msgs {
		if !strings.Contains(is.Description, m.Text) {
			t.Errorf("the task lacks %q", m.Text)
		}
	}
	if numbered(is.Description) != len(msgs) || v.jr.creates != 1 {
		t.Errorf("%d creates, %d questions in the task; want 1 and %d", v.jr.creates, numbered(is.Description), len(msgs))
	}
}

func TestRunQuestionsAnnouncesOnce(t *testing.T) {
	v := newQuestionsEnv(t)
	ctx := context.Background()
	a := v.says(steppe, "U0AIGERIM1", "Вопрос один", "")
	b := v.says(steppe, "U0AIGERIM1", "Вопрос два", "")
	v.mustReact(a, "U01MARAT01", "question")
	v.mustReact(b, "U01MARAT01", "question")
	key, _ := v.jr.only(t)

	if err := v.e.RunQuestions(ctx); err != nil { // not pulled yet
		t.Fatal(err)
	}
	v.closeTask(key, connectors.StatusCategoryInProgress)
	if err := v.e.RunQuestions(ctx); err != nil {
		t.Fatal(err)
	}
	if len(v.rec.findings) != 0 {
		t.Fatalf("announced a task that is not done: %+v", v.rec.findings)
	}

	v.closeTask(key, connectors.StatusCategoryDone)
	for range 2 {
		if err := v.e.RunQuestions(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(v.rec.findings) != 1 {
		t.Fatalf("%d findings after two runs, want 1", len(v.rec.findings))
	}
	f := v.rec.findings[0]
	if f.Rule != questions.RuleName || f.ClientID != "steppe-foods" || f.Title != "Answers ready: "+key ||
		f.Severity != rules.SeverityWarning || !strings.Contains(f.Fields[questions.FieldQuestions], a.Permalink) ||
		!strings.Contains(f.Fields[questions.FieldQuestions], b.Permalink) {
		t.Errorf("finding %+v", f)
	}

	// A question forwarded after the task was done goes to a follow-up
	// task, not into the closed one.
	c := v.says(steppe, "U0AIGERIM1", "Вопрос три", "")
	v.mustReact(c, "U01MARAT01", "question")
	if v.jr.count() != 2 {
		t.Fatalf("%d tasks after a question for a closed batch, want 2", v.jr.count())
	}
	v.jr.mu.Lock()
	followUp := v.jr.byIdem[questions.BatchKey("steppe-foods", "timur", "2026-W49")+"#2"]
	v.jr.mu.Unlock()
	if followUp == "" {
		t.Fatal("no follow-up batch")
	}

	// Reopened and done again: no second announcement.
	v.closeTask(key, connectors.StatusCategoryInProgress)
	if err := v.e.RunQuestions(ctx); err != nil {
		t.Fatal(err)
	}
	v.closeTask(key, connectors.StatusCategoryDone)
	v.closeTask(followUp, connectors.StatusCategoryDone)
	if err := v.e.RunQuestions(ctx); err != nil {
		t.Fatal(err)
	}
	if len(v.rec.findings) != 2 || v.rec.findings[1].Subject.ID != followUp {
		t.Errorf("findings %+v; want the first task's and then only the follow-up's", v.rec.findings)
	}
}

func TestOnAskSpecialist(t *testing.T) {
	ctx := context.Background()
	v := newQuestionsEnv(t)
	m := v.says(steppe, "U0AIGERIM1", "<@U01IRYNA01> семантика готова?", "")
	f := rules.Finding{Key: "redirect:test", Rule: redirect.RuleName, ClientID: "steppe-foods", Severity: rules.SeverityWarning,
		Subject: rules.Subject{Kind: rules.SubjectMessage, ID: m.ChannelID + "/" + m.TS}, Title: "direct",
		Fields: map[string]string{redirect.FieldChannel: m.ChannelID, redirect.FieldTS: m.TS}, LastSeen: v.clk.Now()}
	other := rules.Finding{Key: "deadline:test", Rule: "deadline", ClientID: "steppe-foods", Title: "due",
		Subject: rules.Subject{Kind: rules.SubjectTask, ID: "STEP-9"}, LastSeen: v.clk.Now()}
	for _, x := range []rules.Finding{f, other} {
		if _, err := v.st.UpsertFinding(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name, key, user string
		want            error
	}{
		{"the specialist", f.Key, "U01TIMUR01", ErrNotForwardable},
		{"not a redirect", other.Key, "U01MARAT01", ErrNotForwardable},
		{"unknown finding", "redirect:nope", "U01MARAT01", store.ErrNotFound},
	} {
		if err := v.q.OnAskSpecialist(ctx, tt.key, tt.user); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	if v.jr.count() != 0 {
		t.Fatal("a refused click created a task")
	}
	for range 2 {
		if err := v.q.OnAskSpecialist(ctx, f.Key, "U01MARAT01"); err != nil {
			t.Fatal(err)
		}
	}
	_, is := v.jr.only(t)
	if is.AssigneeAccountID != "712020:iryna" || numbered(is.Description) != 1 {
		t.Errorf("task %+v", is)
	}
}

func TestQuestionsWithoutJira(t *testing.T) {
	ctx := context.Background()
	v := newQuestionsEnv(t)
	var none *jira.Client // how App holds an unconfigured Jira
	v.q = NewQuestions(v.e, none)
	m := v.says(steppe, "U0AIGERIM1", "Вопрос", "")
	v.mustReact(m, "U01MARAT01", "question")
	if _, err := v.st.GetReportState(ctx, questionIndexKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("questions were queued without Jira: %v", err)
	}
	if err := v.q.Flush(ctx); err != nil {
		t.Error(err)
	}

	// A dry-run writer creates nothing; the batch stays pending.
	v = newQuestionsEnv(t)
	v.jr.dryRun = true
	m = v.says(steppe, "U0AIGERIM1", "Вопрос", "")
	v.mustReact(m, "U01MARAT01", "question")
	if v.jr.count() != 0 {
		t.Fatal("dry run created a task")
	}
	var s questionBatchState
	if found, err := getQuestionState(ctx, v.st, questions.BatchKey("steppe-foods", "timur", "2026-W49"), &s); err != nil || !found ||
		s.IssueKey != "" || len(s.Questions) != 1 {
		t.Errorf("dry-run batch state %+v (found %v, err %v)", s, found, err)
	}
}
