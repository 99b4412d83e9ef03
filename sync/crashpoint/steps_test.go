package crashpoint

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

func TestAllNamesEveryStepOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range All() {
		if seen[p.Name()] {
			t.Errorf("%s listed twice", p.Name())
		}
		seen[p.Name()] = true
	}
	if len(seen) != 30 {
		t.Errorf("%d crash points, want 30 (4 Slack kinds, 2 Jira kinds and 4 report kinds, 3 steps each)", len(seen))
	}
}

// helperEnv makes the test binary, run again, call At for every point in
// order and print each one it survives.
const helperEnv = "LIAISON_CRASHPOINT_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		for _, p := range All() {
			At(p.Kind, p.Step, "batch/acme")
			os.Stdout.WriteString("passed " + p.Name() + "\n")
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runHelper runs the points in a child process with LIAISON_CRASHPOINT set
// to want, and returns its output and how it ended.
func runHelper(t *testing.T, want string) (string, *os.ProcessState) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", EnvVar+"="+want)
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState
}

func killedBySIGKILL(ps *os.ProcessState) bool {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

func passed(out string) int { return strings.Count(out, "passed ") }
