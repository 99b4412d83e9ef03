//go:build crashpoints && unix

package crashpoint

import (
	"strings"
	"testing"
)

// TestAtKillsAtTheNamedPointOnly: the process dies by SIGKILL exactly at
// the named point, after passing every earlier one, and says where.
func TestAtKillsAtTheNamedPointOnly(t *testing.T) {
	for i, p := range All() {
		out, ps := runHelper(t, p.Name())
		if !killedBySIGKILL(ps) {
			t.Fatalf("%s: process ended with %v, want SIGKILL:\n%s", p.Name(), ps, out)
		}
		if passed(out) != i {
			t.Errorf("%s: passed %d points before dying, want %d:\n%s", p.Name(), passed(out), i, out)
		}
		if !strings.Contains(out, "crashpoint: killed at "+p.Name()+" (batch/acme)") {
			t.Errorf("%s: no line naming the point:\n%s", p.Name(), out)
		}
	}
}

// TestAtMatchesTheKey: "@text" limits the kill to keys containing text.
func TestAtMatchesTheKey(t *testing.T) {
	if out, ps := runHelper(t, "slack.post.after_post@acme"); !killedBySIGKILL(ps) {
		t.Errorf("a key containing the text was not killed: %v\n%s", ps, out)
	}
	if out, ps := runHelper(t, "slack.post.after_post@globex"); killedBySIGKILL(ps) || passed(out) != len(All()) {
		t.Errorf("a key without the text was killed or stopped (%v):\n%s", ps, out)
	}
}
