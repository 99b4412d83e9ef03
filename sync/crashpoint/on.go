//go:build crashpoints && unix

package crashpoint

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

// At kills the process with SIGKILL when kind.step is the point named by
// LIAISON_CRASHPOINT and, if the name carries "@substring", key contains
// the substring. The variable is read at each call, so a process started
// without it runs undisturbed.
func At(kind, step, key string) {
	want := os.Getenv(EnvVar)
	if want == "" {
		return
	}
	name, sub, _ := strings.Cut(want, "@")
	if name != kind+"."+step || !strings.Contains(key, sub) {
		return
	}
	fmt.Fprintf(os.Stderr, "crashpoint: killed at %s.%s (%s)\n", kind, step, key)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // the signal is on its way; never return into the side effect
}

// AtSlack is At for a Slack side effect of the delivery kind kind
// ("post", "thread", "ephemeral", "update"): the point slack.kind.step.
func AtSlack(kind, step, key string) { At("slack."+kind, step, key) }
