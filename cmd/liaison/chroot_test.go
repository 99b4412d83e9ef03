package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// emptyRoot lays out a root file system that holds only the binary and the
// example config, like the distroless image: no /etc/ssl, no
// /usr/share/zoneinfo, no /tmp, no shell.
func emptyRoot(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("chroot needs root; CI runs as root")
	}
	if _, err := exec.LookPath("chroot"); err != nil {
		t.Skip("no chroot command on this machine")
	}
	root := t.TempDir()
	copyFile(t, liaisonBin, filepath.Join(root, "liaison"))
	if err := os.Chmod(filepath.Join(root, "liaison"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "etc/liaison"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, exampleConfig, filepath.Join(root, "etc/liaison/agency.yaml"))
	copyFile(t, filepath.Join(filepath.Dir(exampleConfig), "faq.yaml"), filepath.Join(root, "etc/liaison/faq.yaml"))
	return root
}

func TestCheckConfigInEmptyRoot(t *testing.T) {
	root := emptyRoot(t)
	cmd := exec.Command("chroot", root, "/liaison", "check-config", "-config", "/etc/liaison/agency.yaml")
	cmd.Env = []string{} // env -i
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("check-config in an empty root: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "ok (") {
		t.Fatalf("unexpected output:\n%s", out)
	}
	entries, _ := os.ReadDir(root)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "etc,liaison" {
		t.Errorf("check-config wrote outside its config: root now holds %v", names)
	}
}

// TestRunInEmptyRoot starts the daemon itself in the empty root with only a
// data dir added: time zones, CA roots and the SQLite store must all work
// from what the binary carries.
func TestRunInEmptyRoot(t *testing.T) {
	root := emptyRoot(t)
	cmd := exec.Command("chroot", root, "/liaison", "run", "-config", "/etc/liaison/agency.yaml",
		"-data-dir", "/var/lib/liaison", "-listen", "127.0.0.1:0", "-log-format", "json")
	cmd.Env = []string{}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	logs := &syncBuffer{}
	addrCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`"listen":"([^"]+)"`)
		for sc.Scan() {
			logs.WriteLine(sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrCh <- m[1]
			}
		}
	}()
	select {
	case addr := <-addrCh:
		// /healthz asks the store, so it proves SQLite works in the empty root.
		if code, _ := get(t, "http://"+addr+"/healthz"); code != 200 {
			t.Fatalf("/healthz = %d in the empty root; logs:\n%s", code, logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("daemon in the empty root did not start; logs:\n%s", logs)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v; logs:\n%s", err, logs)
	}
	if _, err := os.Stat(filepath.Join(root, "var/lib/liaison/liaison.db")); err != nil {
		t.Errorf("no state store in the data dir: %v", err)
	}
}
