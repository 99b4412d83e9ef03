package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/sync/engine"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestFAQLearnedAndForget lists what the base learned from two clicks
// through the daemon's admin API, forgets one, and refuses ids that name
// nothing.
func TestFAQLearnedAndForget(t *testing.T) {
	cfgPath := withAnswerBase(t, opsAgency(t, time.Now()))
	url, st := adminServer(t, cfgPath)
	// Two clicks, as the faq rule records them.
	for _, l := range []faq.Learned{
		{Entry: "report-when", Lang: "ru", Text: "когда пришлёте сводку по рекламе\nза ноябрь для директора?", Client: "lakeshore", Suggestion: "C1/1.1"},
		{Entry: "ads-budget-change", Lang: "en", Not: true, Text: "can we pause ads for the holidays", Client: "lakeshore", Suggestion: "C1/1.2"},
	} {
		d, _ := json.Marshal(l)
		if _, err := st.AppendAudit(t.Context(), store.AuditEntry{Time: time.Now(), Actor: "slack:U01MARAT01", Action: "faq.learned", Detail: string(d)}); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"faq", "learned", "-url", url, "-config", cfgPath}, &out, &errOut); code != exitOK {
		t.Fatalf("faq learned = %d: %s", code, errOut.String())
	}
	table := out.String()
	for _, want := range []string{"LEARNED (Europe/Kyiv)", "report-when", "phrasing", "когда пришлёте сводку по рекламе за ноябрь для директора?", "ads-budget-change", "not", "slack:U01MARAT01", "USE", "in use"} {
		if !strings.Contains(table, want) {
			t.Errorf("faq learned lacks %q:\n%s", want, table)
		}
	}
	out.Reset()
	if code := run([]string{"faq", "learned", "-url", url, "-config", cfgPath, "-entry", "ads-budget-change", "-json"}, &out, &errOut); code != exitOK {
		t.Fatalf("faq learned -json = %d: %s", code, errOut.String())
	}
	var ls []engine.LearnedPhrasing
	if err := json.Unmarshal(out.Bytes(), &ls); err != nil || len(ls) != 1 || !ls[0].Not || ls[0].ID == 0 {
		t.Fatalf("faq learned -entry -json = %+v (%v):\n%s", ls, err, out.String())
	}
	if !strings.Contains(out.String(), `"use": "in use"`) {
		t.Errorf("faq learned -json does not say the phrasing is in use:\n%s", out.String())
	}
	id := ls[0].ID

	// faq eval -learned judges the base as the daemon matches: this
	// wording goes to report-sharing as written, to report-when with
	// what the daemon learned.
	tsv := filepath.Join(t.TempDir(), "q.tsv")
	if err := os.WriteFile(tsv, []byte("lang\texpected\tquestion\nru\treport-when\tсводка по рекламе за ноябрь для директора будет?\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join("..", "..", "configs", "examples", "faq.yaml")
	for _, tc := range []struct {
		learned bool
		correct int
	}{{false, 0}, {true, 1}} {
		args := []string{"faq", "eval", "-faq", base, "-json"}
		if tc.learned {
			args = append(args, "-learned", "-url", url)
		}
		out.Reset()
		if code := run(append(args, tsv), &out, &errOut); code != exitOK {
			t.Fatalf("%v = %d: %s", args, code, errOut.String())
		}
		var res faq.Evaluation
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		if s := res.Languages["ru"]; s == nil || s.Correct != tc.correct || (tc.learned && res.Learned != 2) {
			t.Errorf("%v: %+v, %d learned; want %d correct", args, s, res.Learned, tc.correct)
		}
	}

	out.Reset()
	if code := run([]string{"faq", "forget", "-url", url, "-by", "olena", strconv.FormatInt(id, 10)}, &out, &errOut); code != exitOK ||
		!strings.Contains(out.String(), "forgotten") {
		t.Fatalf("faq forget = %d: %s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	run([]string{"faq", "learned", "-url", url}, &out, &errOut)
	if strings.Contains(out.String(), "ads-budget-change") || !strings.Contains(out.String(), "report-when") {
		t.Errorf("after forgetting, faq learned:\n%s", out.String())
	}
	es, err := st.ListAudit(t.Context(), store.AuditFilter{Action: "faq.forgotten"})
	if err != nil || len(es) != 1 || es[0].Actor != "cli:olena" {
		t.Errorf("audit of forgetting = %+v (%v), want one by cli:olena", es, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{strconv.FormatInt(id, 10)}, "not found"},
		{[]string{"abc"}, "is not a learned phrasing's id"},
		{nil, "usage: liaison faq forget"},
	} {
		errOut.Reset()
		if code := run(append([]string{"faq", "forget", "-url", url}, tc.args...), &out, &errOut); code != exitUsage ||
			!strings.Contains(errOut.String(), tc.want) {
			t.Errorf("faq forget %v = %d, %q; want exit %d and %q", tc.args, code, errOut.String(), exitUsage, tc.want)
		}
	}
}

// TestFAQLearnedFromDataDir lists what a stopped daemon's store learned,
// without the forgotten phrasing, when no daemon answers.
func TestFAQLearnedFromDataDir(t *testing.T) {
	cfgPath := opsAgency(t, time.Now())
	dir := t.TempDir()
	_, st := openTestStore(t, cfgPath, dir)
	var ids []int64
	for _, l := range []faq.Learned{
		{Entry: "report-when", Lang: "ru", Text: "сводка за ноябрь будет?", Client: "lakeshore", Suggestion: "C1/1.1"},
		{Entry: "invoice-when", Lang: "en", Text: "when's the bill coming", Client: "lakeshore", Suggestion: "C1/1.2"},
	} {
		d, _ := json.Marshal(l)
		id, err := st.AppendAudit(t.Context(), store.AuditEntry{Time: time.Now(), Actor: "slack:U01MARAT01", Action: "faq.learned", Detail: string(d)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := st.AppendAudit(t.Context(), store.AuditEntry{Time: time.Now(), Actor: "cli:olena", Action: "faq.forgotten",
		Detail: fmt.Sprintf(`{"id": %d, "by": "cli:olena"}`, ids[0])}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"faq", "learned", "-data-dir", dir, "-config", cfgPath, "-json"}, &out, &errOut); code != exitOK {
		t.Fatalf("faq learned -data-dir = %d: %s", code, errOut.String())
	}
	var ls []engine.LearnedPhrasing
	if err := json.Unmarshal(out.Bytes(), &ls); err != nil || len(ls) != 1 || ls[0].ID != ids[1] || ls[0].Entry != "invoice-when" {
		t.Fatalf("faq learned -data-dir = %+v (%v), want the invoice-when phrasing alone:\n%s", ls, err, out.String())
	}
}

// withAnswerBase gives the agency config at cfgPath the shipped answer
// base (agency.faq) and returns cfgPath.
func withAnswerBase(t *testing.T, cfgPath string) string {
	t.Helper()
	copyFile(t, exampleFAQ, filepath.Join(filepath.Dir(cfgPath), "faq.yaml"))
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "  timezone: Europe/Kyiv\n", "  timezone: Europe/Kyiv\n  faq: faq.yaml\n", 1))
	if err := os.WriteFile(cfgPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath
}
