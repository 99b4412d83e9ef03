package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/sync/store"
)

// settle waits for the background rebuilds of the index: what a click
// taught reaches matching once they end.
func (f *FAQ) settle() { f.bg.Wait() }

// suggestedSince returns the entry the last reply suggested, or "" when
// there are no more than before replies.
func (v *faqEnv) suggestedSince(before int) string {
	v.t.Helper()
	rs := v.rec.all()
	if len(rs) == before {
		return ""
	}
	for _, id := range []string{"report-when", "invoice-when", "ads-budget-change", "report-metrics"} {
		if strings.Contains(rs[len(rs)-1].Text, id) {
			return id
		}
	}
	return "another entry"
}

func TestFAQLearnsAPostedMessageAsAPhrasing(t *testing.T) {
	v := newFAQEnv(t, faqWorking, nil)
	ctx := context.Background()
	// Before any click, this wording goes to the entry on sharing the
	// report (it names the director, as that entry's phrasings do).
	probe := "сводка по рекламе за ноябрь для директора будет?"
	n := len(v.rec.all())
	v.says(faqSteppe, faqAigerim, probe)
	if got := v.suggestedSince(n); got == "report-when" {
		t.Fatalf("before learning %q already suggested report-when; the test needs a wording that does not", probe)
	}
	m := v.says(faqSteppe, faqAigerim, "когда пришлёте сводку по рекламе за ноябрь для директора?")
	if _, err := v.f.OnAction(ctx, faq.ActionPost, faq.SuggestionKey(m.ChannelID, m.TS), faqMarat); err != nil {
		t.Fatal(err)
	}
	v.f.settle()
	ls, err := v.f.Learned(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 {
		t.Fatalf("learned %+v, want the posted message", ls)
	}
	l := ls[0]
	if l.Entry != "report-when" || l.Not || l.Lang != "ru" || l.Text != m.Text || l.Client != "steppe-foods" || l.By != "slack:"+faqMarat || l.ID == 0 {
		t.Errorf("learned %+v, want the message as a Russian phrasing of report-when, taught by Marat", l)
	}
	n = len(v.rec.all())
	v.says(faqSteppe, faqAigerim, probe)
	if got := v.suggestedSince(n); got != "report-when" {
		t.Errorf("after learning, %q suggested %q, want report-when", probe, got)
	}
}

func TestFAQLearnsARejectionAndForgets(t *testing.T) {
	v := newFAQEnv(t, faqWorking, nil)
	ctx := context.Background()
	text := "Можно ли увеличить дневной бюджет рекламы?"
	m := v.says(faqSteppe, faqAigerim, text)
	settled, err := v.f.OnAction(ctx, faq.ActionReject, faq.SuggestionKey(m.ChannelID, m.TS), faqMarat)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Отмечено «Не то»: на эту формулировку ads-budget-change больше не будет предлагаться."; settled.Text != want {
		t.Errorf("Marat reads %q after rejecting, want %q", settled.Text, want)
	}
	if again, err := v.f.OnAction(ctx, faq.ActionPost, faq.SuggestionKey(m.ChannelID, m.TS), faqMarat); err != nil || again.Text != settled.Text {
		t.Errorf("a second click: %q (%v), want the settled view again", again.Text, err)
	}
	v.f.settle()
	n := len(v.rec.all())
	v.says(faqSteppe, faqAigerim, text)
	if got := v.suggestedSince(n); got != "" {
		t.Errorf("the wording the AM rejected for ads-budget-change suggested %q again", got)
	}
	ls, err := v.f.Learned(ctx)
	if err != nil || len(ls) != 1 || !ls[0].Not || ls[0].Entry != "ads-budget-change" {
		t.Fatalf("learned %+v (%v), want one negative phrasing of ads-budget-change", ls, err)
	}
	// The same wording rejected again (a click retried after a crash
	// between learning and saving the suggestion) is forgotten with it.
	if err := v.f.learn(ctx, faqSuggestion{Entry: "ads-budget-change", Lang: "ru", Rejected: true, Text: text + "!", Client: "steppe-foods"},
		"C0STEPPE01/9.9", "slack:"+faqMarat, v.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := v.f.Forget(ctx, ls[0].ID, "cli:olena"); err != nil {
		t.Fatal(err)
	}
	if err := v.f.Forget(ctx, ls[0].ID, "cli:olena"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("forgetting twice: %v, want ErrNotFound", err)
	}
	if err := v.f.Forget(ctx, 999999, "cli:olena"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("forgetting an unknown id: %v, want ErrNotFound", err)
	}
	v.f.settle()
	n = len(v.rec.all())
	v.says(faqSteppe, faqAigerim, text)
	if got := v.suggestedSince(n); got != "ads-budget-change" {
		t.Errorf("after forgetting the rejection, suggested %q, want ads-budget-change", got)
	}
	if ls, _ := v.f.Learned(ctx); len(ls) != 0 {
		t.Errorf("learned after forgetting: %+v", ls)
	}
}

func TestFAQLearnOffTeachesNothing(t *testing.T) {
	yaml := strings.Replace(faqAgencyYAML, "    contacts: [{name: Aigerim Nurlanovna, slack_user_id: U0AIGERIM1}]\n",
		"    contacts: [{name: Aigerim Nurlanovna, slack_user_id: U0AIGERIM1}]\n    rules: {faq: {learn: false}}\n", 1)
	v := newFAQEnvYAML(t, faqWorking, nil, yaml)
	ctx := context.Background()
	if v.f.e.cfg().ClientRules("steppe-foods").FAQ.Learn || !v.f.e.cfg().Rules.FAQ.Learn {
		t.Fatal("the test config does not turn learning off for steppe-foods alone")
	}
	m := v.says(faqSteppe, faqAigerim, "Можно ли увеличить дневной бюджет рекламы?")
	settled, err := v.f.OnAction(ctx, faq.ActionReject, faq.SuggestionKey(m.ChannelID, m.TS), faqMarat)
	if err != nil {
		t.Fatal(err)
	}
	if settled.Text != "Отмечено «Не то»." {
		t.Errorf("Marat reads %q after rejecting with learning off; it must not promise learning", settled.Text)
	}
	if ls, err := v.f.Learned(ctx); err != nil || len(ls) != 0 {
		t.Errorf("learned %+v (%v) from a client with learn off", ls, err)
	}
	if p, r, _ := v.f.Feedback(ctx, "ads-budget-change"); p != 0 || r != 1 {
		t.Errorf("feedback %d/%d, want the rejection counted all the same", p, r)
	}
}

// TestFAQLearnedReachesOtherReplicas: a click on one replica reaches the
// other's matching within learnedRefresh, read from the shared store.
func TestFAQLearnedReachesOtherReplicas(t *testing.T) {
	v := newFAQEnv(t, faqWorking, nil)
	ctx := context.Background()
	other, err := NewFAQ(New(v.f.e.cfg, v.st, v.rec, v.clk, nil), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := "Можно ли увеличить дневной бюджет рекламы?"
	asks := func(f *FAQ) string {
		o := f.index(ctx, f.e.cfg()).Assess(text, "ru", 1)
		if best, ok := o.Suggestion(0.35); ok {
			return best.EntryID
		}
		return ""
	}
	if got := asks(other); got != "ads-budget-change" {
		t.Fatalf("the other replica suggests %q before any click, want ads-budget-change", got)
	}
	m := v.says(faqSteppe, faqAigerim, text)
	if _, err := v.f.OnAction(ctx, faq.ActionReject, faq.SuggestionKey(m.ChannelID, m.TS), faqMarat); err != nil {
		t.Fatal(err)
	}
	v.f.settle()
	if got := asks(v.f); got != "" {
		t.Errorf("the replica that took the click still suggests %q", got)
	}
	// The other replica read the learned phrasings a second before the
	// message came.
	v.clk.Advance(learnedRefresh - 2*time.Second)
	if got := asks(other); got != "ads-budget-change" {
		t.Errorf("the other replica changed its mind before re-reading: %q", got)
	}
	v.clk.Advance(2 * time.Second)
	// The message that finds the learned phrasings changed is matched
	// while the index is rebuilt; the next one after the rebuild is not.
	if got := asks(other); got != "ads-budget-change" {
		t.Errorf("the other replica waited for its rebuild: %q", got)
	}
	other.settle()
	if got := asks(other); got != "" {
		t.Errorf("a minute later the other replica still suggests %q", got)
	}
}
