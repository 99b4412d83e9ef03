package questions

import (
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules"
)

func TestAnswersReady(t *testing.T) {
	a := Answered{ClientID: "steppe-foods", TaskKey: "STEP-4", TaskURL: "https://j.example/browse/STEP-4", Week: "2026-W49",
		Specialist: Specialist{ID: "timur", Name: "Timur Abenov"},
		Questions: []Question{
			{Channel: "C1", TS: "1.1", Permalink: "https://x.slack.com/archives/C1/p11"},
			{Channel: "C1", TS: "1.2"},
		}}
	now := time.Date(2026, 12, 8, 6, 0, 0, 0, time.UTC)
	f := AnswersReady(a, now)
	if f.Rule != RuleName || f.ClientID != "steppe-foods" || f.Severity != rules.SeverityWarning || f.Title != "Answers ready: STEP-4" {
		t.Errorf("finding %+v", f)
	}
	if f.Subject != (rules.Subject{Kind: rules.SubjectTask, ID: "STEP-4", URL: "https://j.example/browse/STEP-4"}) {
		t.Errorf("subject %+v", f.Subject)
	}
	if got, want := f.Fields[FieldQuestions], "1. https://x.slack.com/archives/C1/p11\n2. C1/1.2"; got != want {
		t.Errorf("questions field %q, want %q", got, want)
	}
	if f.Fields[FieldSpecialistName] != "Timur Abenov" || f.Fields[FieldTaskKey] != "STEP-4" || f.Fields[FieldWeek] != "2026-W49" {
		t.Errorf("fields %v", f.Fields)
	}
	// The key names the task, not the time or the questions: recording it
	// again after a crash changes nothing.
	a.Questions = a.Questions[:1]
	a.TaskURL = ""
	if g := AnswersReady(a, now.Add(time.Hour)); g.Key != f.Key {
		t.Errorf("key changed from %s to %s", f.Key, g.Key)
	}
	a.TaskKey = "STEP-5"
	if g := AnswersReady(a, now); g.Key == f.Key {
		t.Error("two tasks share a finding key")
	}
}
