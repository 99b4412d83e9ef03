package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

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
	if err := v.e.RunWorkloadDigest(t.Context()); err != nil {
		t.Fatal(err)
	}
	ds := v.digests()
	if len(ds) != 1 {
		t.Fatalf("%d digests, want 1", len(ds))
	}
	payload := string(ds[0].Payload)
	for _, want := range []string{"кандидати в нові записи", `2× (ru; acme, bolt) \"Есть ли у вас скидка для постоянных клиентов?\"`} {
		if !strings.Contains(payload, want) {
			t.Errorf("digest lacks %q:\n%s", want, payload)
		}
	}
	if strings.Contains(payload, "31 декабря") {
		t.Errorf("a one-off question reached the digest:\n%s", payload)
	}
}
