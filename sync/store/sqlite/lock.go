package sqlite

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/liaisonhq/liaison/sync/store"
)

// LockedError says which directory is in use and, when known, by which
// process. It matches store.ErrLocked with errors.Is.
type LockedError struct {
	Dir string
	PID int // 0 when the holder has not written its pid yet
}

// Error names the directory and the holder.
func (e *LockedError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "process " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("data dir %s is in use by %s (lock file %s); stop it or use another data dir",
		e.Dir, holder, LockFile)
}

// Is makes errors.Is(err, store.ErrLocked) hold.
func (e *LockedError) Is(target error) bool { return target == store.ErrLocked }

// dirLock is an flock(2) on the lock file, held while the file stays open.
// flock locks belong to the open file description, so the kernel drops the
// lock when the process dies: no stale lock survives a crash.
type dirLock struct {
	f *os.File
}

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{Dir: dir, PID: readPID(f)}
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if err := writePID(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("writing pid to lock file: %w", err)
	}
	return &dirLock{f: f}, nil
}

func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
		return err
	}
	return f.Sync()
}

func readPID(f *os.File) int {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 32))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return pid
}

// release unlocks by closing. The pid stays in the file on purpose: deleting
// the file would race with a process that has it open and is about to lock it.
func (l *dirLock) release() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("releasing lock file: %w", err)
	}
	return nil
}
