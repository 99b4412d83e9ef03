package bench

import (
	"bytes"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

// MemWatch samples the process's Go heap and resident set every few
// milliseconds while work runs, and keeps the highest of each.
type MemWatch struct {
	stop     chan struct{}
	done     sync.WaitGroup
	heap     uint64 // bytes of heap objects, live or not yet swept
	rss      uint64 // bytes resident, 0 where /proc is missing
	interval time.Duration
}

// WatchMemory returns garbage to the OS first, so that what came before
// (generating the load) does not count, then starts sampling.
func WatchMemory() *MemWatch {
	debug.FreeOSMemory()
	w := &MemWatch{stop: make(chan struct{}), interval: 2 * time.Millisecond}
	w.sample()
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		t := time.NewTicker(w.interval)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				w.sample()
			}
		}
	}()
	return w
}

func (w *MemWatch) sample() {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		w.heap = max(w.heap, s[0].Value.Uint64())
	}
	w.rss = max(w.rss, residentBytes())
}

// Stop ends the sampling and returns the peaks in MB.
func (w *MemWatch) Stop() (heapMB, rssMB float64) {
	close(w.stop)
	w.done.Wait()
	w.sample()
	return float64(w.heap) / (1 << 20), float64(w.rss) / (1 << 20)
}

// residentBytes is the resident set size from /proc/self/statm (Linux).
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}
