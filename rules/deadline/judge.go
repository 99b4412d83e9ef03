package deadline

import (
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// Judge decides, one task at a time, what Evaluate decides for a whole
// input: whether a task deserves a finding, and the small verdict its
// finding is rendered from. A caller that keeps what it last recorded can
// compare verdicts and render a finding only for the tasks whose verdict
// changed. A Judge is not safe for concurrent use.
type Judge struct {
	e *evaluation
}

// Verdict is what the rule decided about one task. The task's finding is a
// function of the task's key, summary, status, assignee and due date, the
// config, and its Verdict: a task whose fields and verdict are unchanged,
// under the same config, renders the same finding.
type Verdict struct {
	// Client is the index into Input.Clients of the client owning the task.
	Client int
	// Kind is one of the Kind* constants.
	Kind string
	// Severity is the finding's severity (critical once escalated).
	Severity rules.Severity
	// WorkingDays is the AM's working days left (due soon) or elapsed
	// (overdue); 0 otherwise.
	WorkingDays int
	// DaysOverdue is the calendar days since the due date (overdue); 0
	// otherwise.
	DaysOverdue int
	v           verdict
}

// NewJudge returns a Judge over in's clients, assignees and site at now;
// in.Tasks is not read.
func NewJudge(in Input, now time.Time) *Judge {
	in.Tasks = nil
	return &Judge{e: newEvaluation(in, now)}
}

// Task returns the verdict on t and true when t deserves a finding, as
// Evaluate would find it; false otherwise (done, deleted, of no enabled
// client, or not due soon enough).
func (j *Judge) Task(t *connectors.Task) (Verdict, bool) {
	if !t.Open() {
		return Verdict{}, false
	}
	ci, ok := j.e.owner[t.ProjectKey]
	if !ok {
		return Verdict{}, false
	}
	v, ok := j.e.judge(ci, t)
	if !ok {
		return Verdict{}, false
	}
	return Verdict{Client: ci, Kind: kindNames[v.kind], Severity: v.severity, WorkingDays: v.workingDays,
		DaysOverdue: v.daysOverdue, v: v}, true
}

// ClientID is the id of the client owning the verdict's task.
func (j *Judge) ClientID(v Verdict) string { return j.e.in.Clients[v.Client].ID }

// Key is the key of the finding of t with verdict v. v keeps it, so that
// rendering v later does not build it again.
func (j *Judge) Key(t *connectors.Task, v *Verdict) string {
	if v.v.key == "" {
		v.v.key = j.e.key(t, v.v)
	}
	return v.v.key
}

// Finding renders the finding of t with verdict v, exactly as Evaluate
// returns it.
func (j *Judge) Finding(t *connectors.Task, v Verdict) rules.Finding {
	j.Key(t, &v)
	return j.e.finding(t, v.v)
}
