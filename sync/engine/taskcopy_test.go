package engine

import (
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/liaisonhq/liaison/connectors"
)

// The task copy's record gives back every field the deadline and workload
// rules read, estimates set or not, and stays at 80 bytes besides the key
// and summary.
func TestTaskCopyRecordKeepsWhatTheRulesRead(t *testing.T) {
	if n := unsafe.Sizeof(taskRec{}); n > 80 {
		t.Errorf("a task record takes %d bytes, want at most 80", n)
	}
	c := &taskCopy{names: []string{""}, ids: map[string]uint32{"": 0}}
	full := connectors.Task{Key: "ACME-1", ID: "10001", ProjectKey: "ACME", Summary: "Landing page", Status: "In Review",
		StatusCategory: connectors.StatusCategoryInProgress, AssigneeAccountID: "712020:kate", DueDate: "2026-11-27",
		OriginalEstimate: connectors.Secs(7200), RemainingEstimate: connectors.Secs(0), TimeSpent: connectors.Secs(3600),
		Labels: []string{"seo"}, IssueType: "Task", ParentKey: "ACME-0", Created: time.Unix(1, 0), Updated: time.Unix(2, 0)}
	bare := connectors.Task{Key: "BOLT-2", ProjectKey: "BOLT", StatusCategory: connectors.StatusCategoryNew}
	for _, in := range []connectors.Task{full, bare} {
		r := c.record(&in)
		var got connectors.Task
		c.task(&r, &got)
		want := in
		want.ID, want.Labels, want.IssueType, want.ParentKey, want.Created, want.Updated = "", nil, "", "", time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record of %s gives back\n%+v\nwant\n%+v", in.Key, got, want)
		}
	}
	if len(c.names) != 8 {
		t.Errorf("the copy holds %d distinct strings %q, want 8 (each once)", len(c.names), c.names)
	}
}
