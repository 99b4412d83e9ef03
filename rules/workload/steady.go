package workload

import (
	"maps"

	"github.com/liaisonhq/liaison/rules"
)

// Clocked reports whether a field of a workload finding follows the clock
// rather than the load: the working hours left in the horizon run down
// through every working hour, and the utilisation with them. An open
// finding keeps the values it had at its last real change (Same), so that
// the AM's alert is not rewritten every few minutes while nothing they act
// on has changed. The horizon's last day is not clocked: when it moves (at
// the end of the working day) the figures are taken afresh.
func Clocked(field string) bool {
	return field == FieldAvailableHours || field == FieldUtilization
}

// Same reports whether next tells its reader what prev told: same rule,
// client, subject, severity and title, and the same fields apart from the
// clocked ones (Clocked). A verdict that changes (a reason added or gone,
// other affected clients), another open-task count, another remaining
// estimate (to the tenth of an hour the alert shows) or a horizon that
// moved to the next day is a change; working hours running down are not.
func Same(prev, next *rules.Finding) bool {
	if prev.Key != next.Key || prev.Rule != next.Rule || prev.ClientID != next.ClientID ||
		prev.Subject != next.Subject || prev.Severity != next.Severity || prev.Title != next.Title {
		return false
	}
	n := 0
	for k, v := range next.Fields {
		if Clocked(k) {
			continue
		}
		n++
		if pv, ok := prev.Fields[k]; !ok || pv != v {
			return false
		}
	}
	for k := range prev.Fields {
		if !Clocked(k) {
			n--
		}
	}
	return n == 0
}

// Carry gives next the clocked fields of prev when next is the same
// finding as prev otherwise (Same), so that next reads exactly as prev and
// nothing is rewritten. It reports whether it did.
func Carry(prev, next *rules.Finding) bool {
	if !Same(prev, next) {
		return false
	}
	fields := maps.Clone(next.Fields)
	for k := range fields {
		if Clocked(k) {
			delete(fields, k)
		}
	}
	for k, v := range prev.Fields {
		if Clocked(k) {
			fields[k] = v
		}
	}
	next.Fields = fields
	return true
}
