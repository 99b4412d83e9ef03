package deadline

import (
	"strconv"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// Finding kinds. A dated finding's key is built from the due date alone
// ("due:2026-11-28"), not the kind: a task due soon that becomes overdue at
// midnight is one finding that got worse, while moving the due date
// resolves the old finding and opens a new one.
const (
	KindDueSoon   = "due_soon"    // open, not overdue, due within warn_before_days working days
	KindOverdue   = "overdue"     // open and past its due date
	KindNoDueDate = "no_due_date" // in progress without a due date (digest)
)

var kindNames = [...]string{kindDueSoon: KindDueSoon, kindOverdue: KindOverdue, kindNoDueDate: KindNoDueDate}

// Keys of Finding.Fields. Values are strings; a key whose value is unknown
// or does not apply (no assignee, no due date) is absent.
const (
	FieldKind               = "kind"                 // one of the Kind* constants
	FieldTaskKey            = "task_key"             // "ACME-12"
	FieldSummary            = "summary"              // task title
	FieldStatus             = "status"               // workflow status name
	FieldDueDate            = "due_date"             // "2006-01-02", a date in the client's zone
	FieldAssigneeAccountID  = "assignee_account_id"  // Atlassian account id
	FieldAssignee           = "assignee"             // person id, when the account is mapped
	FieldWorkingDaysLeft    = "working_days_left"    // due soon: AM working days after today up to the due date ("0" when due today)
	FieldDaysOverdue        = "days_overdue"         // overdue: calendar days since the due date ("1" on the day after)
	FieldWorkingDaysOverdue = "working_days_overdue" // overdue: AM working days elapsed since the due date (over the last HorizonDays days at most)
	FieldEscalated          = "escalated"            // "true" when overdue long enough to go to the head
	FieldNotifyAssignee     = "notify_assignee"      // "true" on due-soon and overdue findings when notify_assignee is on and the task has an assignee
	FieldClientName         = "client_name"
	FieldAM                 = "am" // person id of the account manager
)

// finding renders a verdict. Titles are short English for logs and
// fallbacks, and stay the same for the life of a key (no day counts), so a
// repeated finding does not churn; rendering localises from Fields.
func (e *evaluation) finding(t *connectors.Task, v verdict) rules.Finding {
	c := &e.in.Clients[v.client]
	kind := kindNames[v.kind]
	subj := rules.Subject{Kind: rules.SubjectTask, ID: t.Key}
	if e.baseURL != "" {
		subj.URL = e.baseURL + "/browse/" + t.Key
	}
	fields := make(map[string]string, 12)
	fields[FieldKind] = kind
	fields[FieldTaskKey] = t.Key
	fields[FieldSummary] = t.Summary
	fields[FieldStatus] = t.Status
	fields[FieldClientName] = c.Name
	fields[FieldAM] = c.AM
	if t.AssigneeAccountID != "" {
		fields[FieldAssigneeAccountID] = t.AssigneeAccountID
		if p := e.in.Assignees[t.AssigneeAccountID]; p != "" {
			fields[FieldAssignee] = p
		}
	}
	var title string
	switch v.kind {
	case kindNoDueDate:
		title = t.Key + " is in progress without a due date"
	case kindDueSoon:
		title = t.Key + " is due " + t.DueDate
		fields[FieldWorkingDaysLeft] = strconv.Itoa(v.workingDays)
	case kindOverdue:
		title = t.Key + " is overdue (due " + t.DueDate + ")"
		fields[FieldDaysOverdue] = strconv.Itoa(v.daysOverdue)
		fields[FieldWorkingDaysOverdue] = strconv.Itoa(v.workingDays)
		if v.severity == rules.SeverityCritical {
			fields[FieldEscalated] = "true"
		}
	}
	if v.kind != kindNoDueDate {
		fields[FieldDueDate] = t.DueDate
		// The no-due-date finding goes to the AM's digest only. An
		// assignee without a person mapping is still marked: the router,
		// not the rule, decides what to do with an unreachable one.
		if c.Config.NotifyAssignee && t.AssigneeAccountID != "" {
			fields[FieldNotifyAssignee] = "true"
		}
	}
	return rules.Finding{
		Key:         v.key,
		Rule:        RuleName,
		ClientID:    c.ID,
		Subject:     subj,
		Severity:    v.severity,
		Title:       title,
		Fields:      fields,
		FirstSeen:   e.now,
		LastSeen:    e.now,
		FormerKinds: e.formerKinds(v.kind, t.DueDate),
	}
}

// formerKinds are the kinds earlier versions keyed a dated finding by, when
// the stage (due soon, overdue) was part of the key: installations
// upgraded with such findings open keep them, rather than hearing they
// were resolved. Tasks share few due dates, so one slice per date serves
// every finding.
func (e *evaluation) formerKinds(k kind, due string) []string {
	if k == kindNoDueDate {
		return nil
	}
	if f, ok := e.former[due]; ok {
		return f
	}
	f := []string{KindDueSoon + ":" + due, KindOverdue + ":" + due}
	e.former[due] = f
	return f
}

// key is the key of a verdict's finding: a dated finding is keyed by its
// due date, not its stage.
func (e *evaluation) key(t *connectors.Task, v verdict) string {
	keyKind := kindNames[v.kind]
	if v.kind != kindNoDueDate {
		keyKind = "due:" + t.DueDate
	}
	return rules.Key(RuleName, e.in.Clients[v.client].ID, rules.Subject{Kind: rules.SubjectTask, ID: t.Key}, keyKind)
}
