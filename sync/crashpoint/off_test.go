//go:build !crashpoints || !unix

package crashpoint

import "testing"

// TestAtDoesNothingInAnOrdinaryBuild: even with the variable naming a
// point, an ordinary build passes every point.
func TestAtDoesNothingInAnOrdinaryBuild(t *testing.T) {
	out, ps := runHelper(t, "slack.post.after_post")
	if !ps.Success() || passed(out) != len(All()) {
		t.Errorf("ordinary build: %v, %d points passed:\n%s", ps, passed(out), out)
	}
}
