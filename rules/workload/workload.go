package workload

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// RuleName is the rule's name in findings, config and routes.
const RuleName = "workload"

// Finding kinds.
const (
	// KindTooManyClients: an account manager leads more active clients than
	// their limit. One finding per AM, with no client, for the head.
	KindTooManyClients = "too_many_clients"
	// KindOverloaded: a specialist is over their open-task or utilisation
	// limit. One finding per specialist with no client (warning, for the
	// head) and one per AM of an affected client (info, no client, for that
	// AM: FieldAM).
	KindOverloaded = "overloaded"
)

// Reasons a specialist is overloaded, listed in FieldReasons.
const (
	ReasonOpenTasks   = "open_tasks"
	ReasonUtilization = "utilization"
)

// Keys of Finding.Fields.
const (
	FieldKind           = "kind"
	FieldPerson         = "person" // person id of the AM or specialist
	FieldPersonName     = "person_name"
	FieldActiveClients  = "active_clients" // count
	FieldMaxClients     = "max_clients"
	FieldClients        = "clients"      // comma-separated client ids: led (AM) or affected (specialist; on a per-AM finding, those the AM leads)
	FieldClientNames    = "client_names" // the same as names, joined with ", "
	FieldReasons        = "reasons"      // comma-separated Reason* values
	FieldOpenTasks      = "open_tasks"
	FieldMaxOpenTasks   = "max_open_tasks"
	FieldRemainingHours = "remaining_hours" // estimate due in the horizon, hours with one decimal
	FieldAvailableHours = "available_hours" // working hours in the horizon, one decimal
	FieldUtilization    = "utilization_pct" // whole percent
	FieldMaxUtilization = "max_utilization_pct"
	FieldHorizonEnd     = "horizon_end" // last day of the horizon, "2006-01-02" in the person's zone
	FieldUnestimated    = "unestimated" // tasks in the horizon without an estimate
	FieldAM             = "am"          // per-AM findings: the AM's person id
)

// Evaluate returns the workload findings for in at now, sorted by client
// ID (the head's findings, with no client, first), then key.
//
// Findings are state-based: the engine resolves those no longer emitted,
// which happens as soon as the person is back under every limit.
//
//   - An account manager with more active clients than max_clients (their
//     capacity, else the rule's) → KindTooManyClients, warning, no client.
//   - A specialist with more open tasks than max_open_tasks, or whose
//     remaining estimate due within the horizon exceeds their available
//     hours × max_utilization → KindOverloaded, warning, no client (the
//     head), plus KindOverloaded, info, no client, for every AM of an
//     affected client (FieldAM; key AMKey), listing that AM's affected
//     clients. The affected clients are those with open tasks of the
//     specialist when the task count is over, else those with tasks in the
//     horizon.
func Evaluate(in Input, now time.Time) []rules.Finding {
	var out []rules.Finding
	Each(in, now, func(f rules.Finding) bool {
		out = append(out, f)
		return true
	})
	sortFindings(out)
	return out
}

// Each calls fn with each finding Evaluate returns, one person's at a time
// and in no particular order, until fn returns false: a caller comparing
// findings with those it keeps need not hold them all. Every finding has
// its own Fields.
func Each(in Input, now time.Time, fn func(rules.Finding) bool) {
	loads := Measure(in, now)
	clients := make(map[string]*Client, len(in.Clients))
	for i := range in.Clients {
		clients[in.Clients[i].ID] = &in.Clients[i]
	}
	for i := range loads {
		l := &loads[i]
		subj := rules.Subject{Kind: rules.SubjectPerson, ID: l.Person}
		if l.OverClients() {
			f := newFinding(RuleName, "", subj, KindTooManyClients, rules.SeverityWarning, now, 8)
			f.Title = name(l) + " leads more clients than their limit"
			f.Fields[FieldActiveClients] = strconv.Itoa(len(l.ActiveClients))
			f.Fields[FieldMaxClients] = strconv.Itoa(l.MaxClients)
			f.Fields[FieldClients] = joinIDs(l.ActiveClients)
			f.Fields[FieldClientNames] = clientNames(clients, l.ActiveClients)
			fill(f.Fields, l)
			if !fn(f) {
				return
			}
		}
		overTasks, overUtil := l.OverTasks(), l.OverUtilization()
		if !overTasks && !overUtil {
			continue
		}
		var reasons []string
		affected := l.HorizonClients
		if overTasks {
			reasons = append(reasons, ReasonOpenTasks)
			affected = l.TaskClients
		}
		if overUtil {
			reasons = append(reasons, ReasonUtilization)
		}
		head := newFinding(RuleName, "", subj, KindOverloaded, rules.SeverityWarning, now, 16)
		head.Title = name(l) + " is overloaded"
		head.Fields[FieldReasons] = strings.Join(reasons, ",")
		head.Fields[FieldClients] = joinIDs(affected)
		head.Fields[FieldClientNames] = clientNames(clients, affected)
		fill(head.Fields, l)
		// An AM reads which of their own clients the load touches, once per
		// specialist: the head's finding lists every affected client.
		byAM := map[string][]string{}
		var ams []string
		for _, id := range affected {
			am := clients[id].AM
			if am == "" {
				continue
			}
			if _, ok := byAM[am]; !ok {
				ams = append(ams, am)
			}
			byAM[am] = append(byAM[am], id)
		}
		for _, am := range ams {
			mine := byAM[am]
			// Sized for the head's fields and the one added here: a map
			// grown key by key holds twice the room it needs.
			f := newFinding(RuleName, "", subj, KindOverloaded, rules.SeverityInfo, now, len(head.Fields)+1)
			f.Key = AMKey(l.Person, am)
			f.Title = head.Title
			for k, v := range head.Fields {
				f.Fields[k] = v
			}
			f.Fields[FieldClients] = joinIDs(mine)
			f.Fields[FieldClientNames] = clientNames(clients, mine)
			f.Fields[FieldAM] = am
			if !fn(f) {
				return
			}
		}
		if !fn(head) {
			return
		}
	}
}

// AMKey is the key of the info finding that tells account manager am that
// specialist is overloaded: rules.Key("workload", "", specialist,
// "overloaded/am:"+am). It differs from the head's finding about the same
// specialist and depends on the two people only.
func AMKey(specialist, am string) string {
	return rules.Key(RuleName, "", rules.Subject{Kind: rules.SubjectPerson, ID: specialist}, KindOverloaded+"/am:"+am)
}

// newFinding returns a finding of kind with room for size fields.
func newFinding(rule, clientID string, subj rules.Subject, kind string, sev rules.Severity, now time.Time, size int) rules.Finding {
	f := rules.Finding{
		Key:      rules.Key(rule, clientID, subj, kind),
		Rule:     rule,
		ClientID: clientID,
		Subject:  subj,
		Severity: sev,
		Fields:   make(map[string]string, size),
		// FirstSeen is left to the store, which keeps it while open.
		FirstSeen: now,
		LastSeen:  now,
	}
	f.Fields[FieldKind] = kind
	return f
}

// fill adds the figures of a load. Hours carry one decimal and percentages
// none, so that a finding's content changes only when the picture does,
// not every minute as available time runs down.
func fill(m map[string]string, l *Load) {
	m[FieldPerson] = l.Person
	m[FieldPersonName] = name(l)
	if l.Role != connectors.RoleSpecialist {
		return
	}
	m[FieldOpenTasks] = strconv.Itoa(l.OpenTasks)
	m[FieldMaxOpenTasks] = strconv.Itoa(l.MaxOpenTasks)
	m[FieldRemainingHours] = hoursText(l.Remaining)
	if !l.HorizonEnd.IsZero() {
		m[FieldAvailableHours] = hoursText(l.Available)
		m[FieldHorizonEnd] = l.HorizonEnd.String()
		m[FieldUtilization] = strconv.Itoa(percent(l.Utilization()))
	}
	m[FieldMaxUtilization] = strconv.Itoa(percent(l.MaxUtilization))
	if l.Unestimated > 0 {
		m[FieldUnestimated] = strconv.Itoa(l.Unestimated)
	}
}

func name(l *Load) string {
	if l.Name != "" {
		return l.Name
	}
	return l.Person
}

func clientNames(clients map[string]*Client, ids []string) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		if c := clients[id]; c != nil && c.Name != "" {
			names = append(names, c.Name)
		} else {
			names = append(names, id)
		}
	}
	return strings.Join(names, ", ")
}

// hoursText writes d in hours with one decimal ("32.0").
func hoursText(d time.Duration) string {
	return strconv.FormatFloat(d.Hours(), 'f', 1, 64)
}

// percent rounds a share to whole percent, capped so that "nothing
// available" does not print a ten-digit number.
func percent(x float64) int {
	if x > 99.99 {
		return 9999
	}
	return int(x*100 + 0.5)
}

func sortFindings(fs []rules.Finding) {
	slices.SortFunc(fs, func(a, b rules.Finding) int {
		if c := strings.Compare(a.ClientID, b.ClientID); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
}

// String describes a load for logs and test failures.
func (l Load) String() string {
	return fmt.Sprintf("%s(%s): clients %d/%d, tasks %d/%d, %s of %s h (max %d%%), overdue %d",
		l.Person, l.Role, len(l.ActiveClients), l.MaxClients, l.OpenTasks, l.MaxOpenTasks,
		hoursText(l.Remaining), hoursText(l.Available), percent(l.MaxUtilization), l.Overdue)
}
