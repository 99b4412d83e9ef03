package main

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nonroot is the image's user (distroless "nonroot", USER in the Dockerfile).
const nonroot = 65532

// TestRunReadOnlyRootAsNonRoot runs the daemon as the image does: as a
// non-root user on a root file system it cannot write, with HOME, TMPDIR
// and the working directory all read-only, and only the data dir writable.
// The root holds the binary and the config, owned by root; the data dir is
// owned by the user. The daemon must start, answer /readyz, store its state
// and stop cleanly, and the root must hold exactly what it held before,
// besides the data dir.
func TestRunReadOnlyRootAsNonRoot(t *testing.T) {
	root := emptyRoot(t)
	for _, d := range []string{"tmp", "home/nonroot", "work"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o555); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "var/lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(root, "var/lib/liaison")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(data, nonroot, nonroot); err != nil {
		t.Fatal(err)
	}
	// Everything else belongs to root and is read-only to the user; the
	// root itself must be enterable (t.TempDir makes it 0700).
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"etc/liaison/agency.yaml", "etc/liaison/faq.yaml"} {
		if err := os.Chmod(filepath.Join(root, f), 0o444); err != nil { // as a mounted ConfigMap
			t.Fatal(err)
		}
	}
	before := snapshotTree(t, root, data)

	cmd := exec.Command("/liaison", "run", "-config", "/etc/liaison/agency.yaml",
		"-data-dir", "/var/lib/liaison", "-listen", "127.0.0.1:0", "-log-format", "json")
	// Go chroots, then changes to Dir inside the new root, then drops to
	// the user: the same order a container runtime follows.
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: nonroot, Gid: nonroot}}
	cmd.Dir = "/work"
	cmd.Env = []string{"HOME=/home/nonroot", "TMPDIR=/tmp"}
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
	exited := make(chan struct{})
	go func() {
		defer close(exited)
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
		if code, _ := get(t, "http://"+addr+"/readyz"); code != 200 {
			t.Fatalf("/readyz = %d on a read-only root; logs:\n%s", code, logs)
		}
	case <-exited:
		t.Fatalf("daemon on a read-only root exited at start; logs:\n%s", logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("daemon on a read-only root did not start; logs:\n%s", logs)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v; logs:\n%s", err, logs)
	}
	if strings.Contains(logs.String(), "permission denied") || strings.Contains(logs.String(), "read-only") {
		t.Errorf("the daemon tried to write outside its data dir; logs:\n%s", logs)
	}
	if _, err := os.Stat(filepath.Join(data, "liaison.db")); err != nil {
		t.Errorf("no state store in the data dir: %v", err)
	}
	if after := snapshotTree(t, root, data); after != before {
		t.Errorf("the root changed outside the data dir:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// snapshotTree lists every path under root except skip's subtree, with
// size, mode and modification time, one per line.
func snapshotTree(t *testing.T, root, skip string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == skip {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		lines = append(lines, rel+" "+info.Mode().String()+" "+strconv.FormatInt(info.Size(), 10)+" "+info.ModTime().UTC().Format(time.RFC3339Nano))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
