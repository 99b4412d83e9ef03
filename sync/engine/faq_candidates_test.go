package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestWorkloadDigestListsFAQCandidates: the head's weekly digest carries the
// unmatched client questions of the week before that recurred at least
// rules.faq.candidate_min_count times; one-off questions and those from
// before the week stay out.
func TestWorkloadDigestListsFAQCandidates(t *testing.T) {
	v := newWorkloadEnv(t, workloadMonday.Add(2*time.Minute))
	v.cfg.FAQ = &configs.FAQ{}
	v.cfg.Rules.FAQ.CandidateMinCount = 2
	unmatched := func(at time.Time, client, text string) {
		t.Helper()
		u := faq.Unmatched{ClientID: client, Lang: connectors.LanguageRussian, Text: text,
			Terms: faq.Terms(text, connectors.LanguageRussian), Time: at}
		detail, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.st.AppendAudit(t.Context(), store.AuditEntry{Time: at, Actor: "engine", Action: faqAuditUnmatched, Detail: string(detail)}); err != nil {
			t.Fatal(err)
		}
	}
	lastWeek := workloadMonday.Add(-5 * 24 * time.Hour)
	unmatched(lastWeek, "acme", "Есть ли у вас скидка для постоянных клиентов?")
	unmatched(lastWeek.Add(time.Hour), "bolt", "А скидки постоянным клиентам бывают?")
	unmatched(lastWeek.Add(2*time.Hour), "acme", "Вы работаете 31 декабря?")
	unmatched(workloadMonday.Add(-20*24*time.Hour), "acme", "Скидка для постоянных клиентов есть?") // before the week
	// Two clicks taught the base last week, one the week before.
	for i, l := range []faq.Learned{
		{Entry: "report-when", Lang: "ru", Text: "сводку пришлёте?", Client: "acme"},
		{Entry: "report-when", Lang: "ru", Not: true, Text: "отчёт для налоговой", Client: "bolt"},
		{Entry: "report-when", Lang: "ru", Text: "отчёт где", Client: "acme"},
	} {
		detail, _ := json.Marshal(l)
		at := lastWeek.Add(time.Duration(i) * time.Hour)
		if i == 2 {
			at = workloadMonday.Add(-20 * 24 * time.Hour)
		}
		if _, err := v.st.AppendAudit(t.Context(), store.AuditEntry{Time: at, Actor: "slack:U1", Action: faqAuditLearned, Detail: string(detail)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.e.RunWorkloadDigest(t.Context()); err != nil {
		t.Fatal(err)
	}
	ds := v.digests()
	if len(ds) != 1 {
		t.Fatalf("%d digests, want 1", len(ds))
	}
	payload := string(ds[0].Payload)
	for _, want := range []string{"кандидати в нові записи", `2× (ru; acme, bolt) \"Есть ли у вас скидка для постоянных клиентов?\"`,
		"«Надіслати відповідь» — 1, «Не те» — 1"} {
		if !strings.Contains(payload, want) {
			t.Errorf("digest lacks %q:\n%s", want, payload)
		}
	}
	if strings.Contains(payload, "31 декабря") {
		t.Errorf("a one-off question reached the digest:\n%s", payload)
	}
}

// TestFAQRequestFromAUkrainianClientInRussian: a Ukrainian client's request
// written in Russian without ы, э, ъ or ё is matched in Russian, suggested,
// and answered in the client's language; a request nothing answers is
// recorded for the candidates like an unanswered question.
func TestFAQRequestFromAUkrainianClientInRussian(t *testing.T) {
	v := newFAQEnv(t, faqWorking, nil)
	v.says("C0ACMEUA01", "U0PETRO001", "Скиньте, пожалуйста, отчет за октябрь для директора")
	rs := v.rec.all()
	if len(rs) != 1 || !strings.Contains(rs[0].Text, "report-when") || !strings.Contains(rs[0].Text, "Звіт оновлюється щодня") {
		t.Fatalf("replies %+v, want one report-when suggestion with the Ukrainian answer", rs)
	}
	if got := testutil.ToFloat64(v.f.questions.WithLabelValues("ru")); got != 1 {
		t.Errorf("questions_total{ru} = %v, want 1 (the message is Russian)", got)
	}
	v.says("C0ACMEUA01", "U0PETRO001", "Сделайте нам баннер для Instagram к распродаже")
	if n := len(v.rec.all()); n != 1 {
		t.Errorf("%d replies, want no suggestion for the banner request", n)
	}
	as, err := v.st.ListAudit(t.Context(), store.AuditFilter{Action: faqAuditUnmatched})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || !strings.Contains(as[0].Detail, "баннер") {
		t.Errorf("unmatched %+v, want the banner request", as)
	}
}
