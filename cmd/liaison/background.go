package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// backgroundWait bounds how long `sandbox -background` waits for the
// sandbox to write its config.
const backgroundWait = 60 * time.Second

// cutBackground removes -background from args and reports whether it was
// there.
func cutBackground(args []string) ([]string, bool) {
	out := make([]string, 0, len(args))
	found := false
	for _, a := range args {
		switch a {
		case "-background", "--background", "-background=true", "--background=true":
			found = true
		case "-background=false", "--background=false":
		default:
			out = append(out, a)
		}
	}
	return out, found
}

// flagValue returns the value of -name in args ("-name v" or "-name=v").
func flagValue(args []string, name string) string {
	for i, a := range args {
		for _, p := range []string{"-" + name, "--" + name} {
			if a == p && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return v
			}
		}
	}
	return ""
}

// sandboxBackground starts the sandbox as a detached process and returns
// once it has written its config, so that the next command can read it:
// `liaison sandbox -background -write-config sandbox.yaml` then
// `liaison sync --once -config sandbox.yaml` never races. The sandbox's
// output goes to a log beside the config.
func sandboxBackground(args []string, stdout, stderr io.Writer) int {
	cfgPath := flagValue(args, "write-config")
	if cfgPath == "" {
		fmt.Fprintln(stderr, "liaison sandbox: -background needs -write-config FILE: it returns once FILE is written")
		return exitUsage
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "liaison sandbox: finding this program to start it in the background: %v\n", err)
		return exitFailed
	}
	logPath := strings.TrimSuffix(cfgPath, filepath.Ext(cfgPath)) + ".log"
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		fmt.Fprintf(stderr, "liaison sandbox: opening the log: %v\n", err)
		return exitFailed
	}
	defer logFile.Close()
	// A config left by an earlier run must not pass for this one's.
	if err := os.Remove(cfgPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "liaison sandbox: removing the old %s: %v\n", cfgPath, err)
		return exitFailed
	}
	cmd := exec.Command(self, append([]string{"sandbox"}, args...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	detach(cmd)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "liaison sandbox: starting in the background: %v\n", err)
		return exitFailed
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(backgroundWait)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logPath)
			fmt.Fprintf(stderr, "%sliaison sandbox: stopped before writing %s: %v\n", log, cfgPath, err)
			return exitFailed
		case <-deadline:
			_ = cmd.Process.Kill()
			fmt.Fprintf(stderr, "liaison sandbox: %s not written within %s; see %s\n", cfgPath, backgroundWait, logPath)
			return exitFailed
		case <-tick.C:
			if _, err := os.Stat(cfgPath); err != nil {
				continue
			}
			// The sandbox prints where the config is right after writing it.
			log, _ := os.ReadFile(logPath)
			for i := 0; i < 20 && !strings.Contains(string(log), "config:"); i++ {
				time.Sleep(50 * time.Millisecond)
				log, _ = os.ReadFile(logPath)
			}
			fmt.Fprint(stdout, string(log))
			fmt.Fprintf(stdout, "  running in the background as pid %d (log: %s); stop it with: kill %d\n", cmd.Process.Pid, logPath, cmd.Process.Pid)
			return exitOK
		}
	}
}
