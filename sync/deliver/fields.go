package deliver

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/rules/questions"
	"github.com/liaisonhq/liaison/rules/redirect"
	"github.com/liaisonhq/liaison/rules/response"
	"github.com/liaisonhq/liaison/rules/workload"
)

// shown is one labelled value of a finding; value is mrkdwn.
type shown struct{ label, value string }

// internalField reports finding fields for routing, keys and links: the
// headline, the context line or nothing shows them.
func internalField(k string) bool {
	switch k {
	case "kind", "am", "am_name", "client_name", "channel", "ts", "thread_ts", "reason", FieldAssignee,
		"notify_assignee", "escalated", "task_key", "summary", "permalink", "url", "text", "specialist":
		return true
	}
	return false
}

// fields returns what a finding shows below its headline, in order. The
// client is shown only when the message spans several clients and the
// headline does not already name it.
func (r rendering) fields(v view, h headline, manyClients bool) []shown {
	var out []shown
	add := func(label, value string) {
		if value != "" {
			out = append(out, shown{label, value})
		}
	}
	if manyClients && !h.namesClient {
		add(r.cat.labelClient, escape(v.clientName))
	}
	f, c := v.f.Fields, r.cat
	switch h.rule {
	case deadline.RuleName:
		// The due date is in the headline; a Due field would repeat it.
		add(c.labelAssignee, r.personRef(f[deadline.FieldAssignee]))
		add(c.labelStatus, escape(f[deadline.FieldStatus]))
		switch f[deadline.FieldKind] {
		case deadline.KindDueSoon:
			if n, err := strconv.Atoi(f[deadline.FieldWorkingDaysLeft]); err == nil && n > 0 {
				add(c.labelTimeLeft, c.workingDays(n))
			}
		case deadline.KindOverdue:
			if n, err := strconv.Atoi(f[deadline.FieldWorkingDaysOverdue]); err == nil && n > 0 {
				add(c.labelOverdueBy, c.workingDays(n))
			}
		}
	case redirect.RuleName:
		names := r.names(f[redirect.FieldSpecialist], f[redirect.FieldSpecialistName])
		label := c.labelSpecialist[0]
		if len(names) > 1 {
			label = c.labelSpecialist[1]
		}
		add(label, escape(strings.Join(names, ", ")))
		add(c.labelAM, escape(firstNonEmpty(r.personName(f[redirect.FieldAM]), f[redirect.FieldAMName])))
	case response.RuleName:
		if w := r.duration(f[response.FieldWaited]); w != "" {
			add(c.labelWaiting, escape(fmt.Sprintf(c.ofWorkingTime, w)))
		}
		if t, err := time.Parse(time.RFC3339, f[response.FieldSince]); err == nil {
			add(c.labelFirstMsg, escape(r.when(t)))
		}
		if n, err := strconv.Atoi(f[response.FieldMessages]); err == nil && n > 1 {
			add(c.labelMessages, strconv.Itoa(n))
		}
	case workload.RuleName, questions.RuleName:
		out = append(out, r.agencyFields(v)...)
	default:
		if h.shown != nil {
			out = append(out, h.shown...)
			break
		}
		out = append(out, r.genericFields(v)...)
	}
	return out
}

// genericFields shows the fields of a rule without its own copy: known keys
// with their labels, others with the key made readable.
func (r rendering) genericFields(v view) []shown {
	keys := make([]string, 0, len(v.f.Fields))
	for k, val := range v.f.Fields {
		if !internalField(k) && val != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]shown, 0, len(keys))
	for _, k := range keys {
		val := v.f.Fields[k]
		switch k {
		case "due", "due_date":
			out = append(out, shown{r.cat.labelDue, escape(r.dueDate(val, r.reference(v.f).In(r.loc)))})
		case "assignee":
			out = append(out, shown{r.cat.labelAssignee, firstNonEmpty(r.personRef(val), escape(val))})
		case "status":
			out = append(out, shown{r.cat.labelStatus, escape(val)})
		default:
			label, ok := r.cat.genericLabels[k]
			if !ok {
				label = readableKey(k)
			}
			out = append(out, shown{label, escape(val)})
		}
	}
	return out
}

// readableKey turns "open_tasks" into "Open tasks".
func readableKey(k string) string {
	s := strings.ReplaceAll(k, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
