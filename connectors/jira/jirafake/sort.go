package jirafake

import (
	"strconv"
	"strings"
)

// sortField is one ORDER BY term with the function that encodes an issue's
// value so that byte order is the field's order.
type sortField struct {
	desc    bool
	key     func(*issue) string
	updated bool // the term is `updated`: the updated index is already in its order
}

// nullKey sorts after every real value, so EMPTY comes last in ASC order.
const nullKey = "\xff"

func compileOrder(order []jqlOrder) ([]sortField, error) {
	if len(order) == 0 {
		order = []jqlOrder{{field: "key", desc: true}}
	}
	out := make([]sortField, 0, len(order))
	for _, o := range order {
		var k func(*issue) string
		switch o.field {
		case "updated", "updateddate":
			k = func(i *issue) string { return timeKey(i.updated.UnixNano()) }
		case "created", "createddate":
			k = func(i *issue) string { return timeKey(i.created.UnixNano()) }
		case "resolutiondate", "resolved":
			k = func(i *issue) string {
				if i.resolved.IsZero() {
					return nullKey
				}
				return timeKey(i.resolved.UnixNano())
			}
		case "key", "issuekey":
			k = func(i *issue) string {
				_, n, _ := splitKey(i.key)
				return i.project.key + "\x00" + timeKey(int64(n))
			}
		case "id":
			k = func(i *issue) string { return timeKey(i.id) }
		case "duedate", "due":
			k = func(i *issue) string {
				if i.due == "" {
					return nullKey
				}
				return i.due
			}
		case "project":
			k = func(i *issue) string { return strings.ToLower(i.project.name) }
		case "summary":
			k = func(i *issue) string { return strings.ToLower(i.summary) }
		case "status":
			k = func(i *issue) string { return i.status.name }
		case "labels", "description", "comment", "parent", "issue.property":
			return nil, semanticErr("Not able to sort using field '%s'.", o.field)
		default:
			return nil, semanticErr("Field '%s' does not exist or you do not have permission to view it.", o.field)
		}
		out = append(out, sortField{desc: o.desc, key: k, updated: o.field == "updated" || o.field == "updateddate"})
	}
	return out, nil
}

func timeKey(n int64) string {
	d := strconv.FormatInt(n, 10)
	if len(d) >= 20 {
		return d
	}
	return strings.Repeat("0", 20-len(d)) + d
}

// sortRow is an issue's position in a result: one key per ORDER BY term,
// then the issue id, which breaks ties ascending.
type sortRow struct {
	keys []string
	id   int64
}

func sortRowOf(order []sortField, i *issue) sortRow {
	keys := make([]string, len(order))
	for n, o := range order {
		keys[n] = o.key(i)
	}
	return sortRow{keys: keys, id: i.id}
}

func compareRows(order []sortField, a, b sortRow) int {
	for i, o := range order {
		c := strings.Compare(a.keys[i], b.keys[i])
		if o.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	switch {
	case a.id < b.id:
		return -1
	case a.id > b.id:
		return 1
	}
	return 0
}
