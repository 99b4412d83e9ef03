package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

const faqAgencyYAML = `
agency:
  name: Northwind Growth
  timezone: Europe/Kyiv
  language: uk
  slack_team_id: T01NWGROWTH
  faq: faq.yaml
people:
  - {id: olena, name: Olena Kovalenko, email: olena@n.example, role: head, slack_user_id: U01OLENA01}
  - {id: marat, name: Marat Seitkali, email: marat@n.example, role: account_manager, slack_user_id: U01MARAT01,
     timezone: Asia/Almaty, language: ru, hours: ["mon-fri 10:00-19:00"]}
  - {id: anna, name: Anna Melnyk, email: anna@n.example, role: account_manager, slack_user_id: U01ANNA001, language: en}
clients:
  - id: steppe-foods
    name: Steppe Foods
    language: ru
    timezone: Asia/Almaty
    account_manager: marat
    slack_channels: [C0STEPPE01]
    contacts: [{name: Aigerim Nurlanovna, slack_user_id: U0AIGERIM1}]
  - id: acme-ua
    name: Acme Ukraine
    account_manager: anna
    slack_channels: [C0ACMEUA01]
    contacts: [{name: Petro, slack_user_id: U0PETRO001}]
rules:
  faq: {enabled: true, threshold: 0.35, candidate_min_count: 2}
`

const (
	faqSteppe  = "C0STEPPE01"
	faqAigerim = "U0AIGERIM1"
	faqMarat   = "U01MARAT01"
)

// faqRecorder is the Reconciler for the faq tests: it refuses replies the
// outbox refuses and, like the outbox, keeps one reply per key.
type faqRecorder struct {
	mu      sync.Mutex
	replies []deliver.Reply
	keys    map[string]bool
}

func (r *faqRecorder) Reconcile(context.Context, string, []string, []rules.Finding, time.Time) (deliver.ReconcileResult, error) {
	return deliver.ReconcileResult{}, errors.New("the faq rule must not reconcile")
}

func (r *faqRecorder) Record(_ context.Context, rule string, fs []rules.Finding, rs []deliver.Reply, _ time.Time) (deliver.ReconcileResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rule != faq.RuleName || len(fs) != 0 {
		return deliver.ReconcileResult{}, fmt.Errorf("rule %q recorded %d findings", rule, len(fs))
	}
	for _, x := range rs {
		if x.Key == "" || x.Text == "" || (x.Channel == "") == (x.Person == "") || (x.User != "" && x.Channel == "") {
			return deliver.ReconcileResult{}, fmt.Errorf("reply %+v: %w", x, store.ErrInvalid)
		}
		if r.keys == nil {
			r.keys = map[string]bool{}
		}
		if !r.keys[x.Key] {
			r.keys[x.Key] = true
			r.replies = append(r.replies, x)
		}
	}
	return deliver.ReconcileResult{}, nil
}

func (r *faqRecorder) all() []deliver.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]deliver.Reply(nil), r.replies...)
}

type notMember struct{}

func (notMember) IsMember(context.Context, string, string) (bool, error) { return false, nil }

type faqEnv struct {
	t   *testing.T
	st  store.Store
	clk *clock.Fake
	rec *faqRecorder
	reg *prometheus.Registry
	f   *FAQ
}

func newFAQEnv(t *testing.T, start time.Time, members ChannelMembers) *faqEnv {
	t.Helper()
	return newFAQEnvYAML(t, start, members, faqAgencyYAML)
}

// newFAQEnvYAML is newFAQEnv with another agency config.
func newFAQEnvYAML(t *testing.T, start time.Time, members ChannelMembers, agencyYAML string) *faqEnv {
	t.Helper()
	base, err := os.ReadFile("../../configs/examples/faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"faq.yaml": {Data: base}}
	cfg, err := configs.Parse("agency.yaml", []byte(agencyYAML), configs.WithFS(fsys),
		configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(start)
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rec := &faqRecorder{}
	reg := prometheus.NewRegistry()
	f, err := NewFAQ(New(func() *configs.Config { return cfg }, st, rec, clk, nil), reg, members)
	if err != nil {
		t.Fatal(err)
	}
	return &faqEnv{t: t, st: st, clk: clk, rec: rec, reg: reg, f: f}
}

// says stores and handles a message in channel from user, a second after
// the previous one.
func (v *faqEnv) says(channel, user, text string) connectors.Message {
	v.t.Helper()
	v.clk.Advance(time.Second)
	m := connectors.Message{ChannelID: channel, TS: slackTS(v.clk.Now()), UserID: user, Text: text, ClientID: "steppe-foods"}
	if channel != faqSteppe {
		m.ClientID = "acme-ua"
	}
	if err := v.st.UpsertMessages(context.Background(), []connectors.Message{m}); err != nil {
		v.t.Fatal(err)
	}
	if err := v.f.OnMessage(context.Background(), m); err != nil {
		v.t.Fatal(err)
	}
	return m
}

// Tuesday 1 December 2026, 11:00 in Almaty: Marat is working.
var faqWorking = time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)

func TestFAQSuggestsPrivatelyToTheAM(t *testing.T) {
	v := newFAQEnv(t, faqWorking, nil)
	m := v.says(faqSteppe, faqAigerim, "Добрый день! <@U01MARAT01> когда будет готов отчёт за месяц? :pray:")
	rs := v.rec.all()
	if len(rs) != 1 {
		t.Fatalf("%d replies, want one suggestion: %+v", len(rs), rs)
	}
	r := rs[0]
	if r.Channel != faqSteppe || r.User != faqMarat || r.ThreadTS != m.TS || !r.NotBefore.IsZero() {
		t.Errorf("suggestion goes to channel %q user %q thread %q not before %v; want an ephemeral to Marat in the thread now",
			r.Channel, r.User, r.ThreadTS, r.NotBefore)
	}
	for _, want := range []string{"report-when", "Отчёт обновляется каждый день", "когда будет готов отчёт"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("suggestion text lacks %q:\n%s", want, r.Text)
		}
	}
	key := faq.SuggestionKey(m.ChannelID, m.TS)
	for _, want := range []string{`"action_id":"liaison_faq_post"`, `"action_id":"liaison_faq_reject"`, `"value":"` + key + `"`} {
		if !strings.Contains(string(r.Blocks), want) {
			t.Errorf("blocks lack %s: %s", want, r.Blocks)
		}
	}
	if got := testutil.ToFloat64(v.f.matched.WithLabelValues("report-when")); got != 1 {
		t.Errorf("matched_total{report-when} = %v, want 1", got)
	}
	// Slack delivers events twice: the retry counts and suggests nothing.
	if err := v.f.OnMessage(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if n := len(v.rec.all()); n != 1 {
		t.Errorf("%d replies after a redelivered event, want 1", n)
	}
	if got := testutil.ToFloat64(v.f.questions.WithLabelValues("ru")); got != 1 {
		t.Errorf("questions_total{ru} = %v after a redelivery, want 1", got)
	}
}

func TestFAQSuggestionWaitsForTheAMsHoursAndFallsBackToDM(t *testing.T) {
	// Tuesday 22:00 in Almaty: Marat starts at 10:00 on Wednesday.
	v := newFAQEnv(t, time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC), notMember{})
	v.says(faqSteppe, faqAigerim, "Какие доступы вам нужны для рекламы?")
	rs := v.rec.all()
	if len(rs) != 1 {
		t.Fatalf("%d replies, want 1", len(rs))
	}
	want := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	if r := rs[0]; r.Person != "marat" || r.Channel != "" || !r.NotBefore.Equal(want) {
		t.Errorf("reply to person %q channel %q not before %v; want a DM to marat at %v", r.Person, r.Channel, r.NotBefore, want)
	}
}

func TestFAQIgnoresWhatIsNotAClientQuestion(t *testing.T) {
	tests := []struct {
		name, channel, user, text string
	}{
		{"statement", faqSteppe, faqAigerim, "Отчёт получили, спасибо."},
		{"agency side", faqSteppe, faqMarat, "Когда будет отчёт за месяц?"},
		{"link with a query", faqSteppe, faqAigerim, "Вот отчёт <https://example.com/r?id=1|отчёт>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newFAQEnv(t, faqWorking, nil)
			v.says(tt.channel, tt.user, tt.text)
			if rs := v.rec.all(); len(rs) != 0 {
				t.Errorf("replies %+v, want none", rs)
			}
			if got := testutil.CollectAndCount(v.f.questions); got != 0 {
				t.Errorf("%d question series counted, want none", got)
			}
		})
	}
}

func TestFAQActions(t *testing.T) {
	v := newFAQEnv(t, faqWorking, nil)
	ctx := context.Background()
	m := v.says(faqSteppe, faqAigerim, "Почему позиции сайта до сих пор не выросли?")
	key := faq.SuggestionKey(m.ChannelID, m.TS)
	if n := len(v.rec.all()); n != 1 {
		t.Fatalf("%d replies, want the suggestion", n)
	}
	if _, err := v.f.OnAction(ctx, faq.ActionPost, key, "U0AIGERIM1"); !errors.Is(err, ErrNotClientsAM) {
		t.Errorf("client clicking: %v, want ErrNotClientsAM", err)
	}
	if _, err := v.f.OnAction(ctx, faq.ActionPost, "C0STEPPE01/1.000001", faqMarat); !errors.Is(err, ErrUnknownSuggestion) {
		t.Errorf("unknown key: %v, want ErrUnknownSuggestion", err)
	}
	for range 2 {
		if _, err := v.f.OnAction(ctx, faq.ActionPost, key, faqMarat); err != nil {
			t.Fatal(err)
		}
	}
	rs := v.rec.all()
	if len(rs) != 2 {
		t.Fatalf("%d replies after two clicks, want suggestion + one post", len(rs))
	}
	post := rs[1]
	if post.Channel != faqSteppe || post.ThreadTS != m.TS || post.User != "" || post.Person != "" {
		t.Errorf("post goes to %+v, want the client's thread", post)
	}
	if !strings.Contains(post.Text, "Первые изменения в SEO") || !strings.Contains(post.Text, "Marat Seitkali") {
		t.Errorf("post text %q lacks the Russian answer or the AM's name", post.Text)
	}
	// Rejecting after posting changes nothing: the suggestion is settled.
	if _, err := v.f.OnAction(ctx, faq.ActionReject, key, faqMarat); err != nil {
		t.Fatal(err)
	}
	if p, r, err := v.f.Feedback(ctx, "seo-results-time"); err != nil || p != 1 || r != 0 {
		t.Errorf("feedback = %d posted, %d rejected (%v); want 1, 0", p, r, err)
	}

	m2 := v.says(faqSteppe, faqAigerim, "Можно ли увеличить дневной бюджет рекламы?")
	if _, err := v.f.OnAction(ctx, faq.ActionReject, faq.SuggestionKey(m2.ChannelID, m2.TS), "U01OLENA01"); err != nil {
		t.Fatalf("head rejecting: %v", err)
	}
	if p, r, err := v.f.Feedback(ctx, "ads-budget-change"); err != nil || p != 0 || r != 1 {
		t.Errorf("feedback = %d posted, %d rejected (%v); want 0, 1", p, r, err)
	}
	if got := testutil.ToFloat64(v.f.rejected.WithLabelValues("ads-budget-change")); got != 1 {
		t.Errorf("rejected_total = %v, want 1", got)
	}
	if n := len(v.rec.all()); n != 3 {
		t.Errorf("%d replies, want 3 (rejecting posts nothing)", n)
	}
}

func TestFAQCandidatesGroupUnmatchedQuestions(t *testing.T) {
	v := newFAQEnv(t, faqWorking, nil)
	since := v.clk.Now()
	v.says(faqSteppe, faqAigerim, "Есть ли у вас скидка для постоянных клиентов?")
	v.says(faqSteppe, faqAigerim, "А скидки постоянным клиентам бывают?")
	v.says("C0ACMEUA01", "U0PETRO001", "Чи є знижка для постійних клієнтів?")
	v.says(faqSteppe, faqAigerim, "Вы работаете 31 декабря?")
	if rs := v.rec.all(); len(rs) != 0 {
		t.Fatalf("unmatched questions got replies: %+v", rs)
	}
	cs, err := v.f.Candidates(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Count != 2 || cs[0].Lang != connectors.LanguageRussian {
		t.Fatalf("candidates %+v, want the two Russian discount questions", cs)
	}
	if line := cs[0].Line(); !strings.HasPrefix(line, "2× (ru; steppe-foods) ") || !strings.Contains(line, "скидка") {
		t.Errorf("line %q", line)
	}
	if got := testutil.ToFloat64(v.f.questions.WithLabelValues("ru")); got != 3 {
		t.Errorf("questions_total{ru} = %v, want 3", got)
	}
}
