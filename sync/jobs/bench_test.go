package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkEnqueueAndRun1000 measures River's overhead on SQLite: 1,000
// trivial runs enqueued one by one with RunNow, then worked to completion.
//
//	go test -run '^$' -bench EnqueueAndRun1000 -benchtime 3x ./sync/jobs/
func BenchmarkEnqueueAndRun1000(b *testing.B) {
	for _, bc := range []struct {
		workers  int
		cooldown time.Duration
	}{
		{10, 10 * time.Millisecond},
		{100, 5 * time.Millisecond},
	} {
		b.Run(fmt.Sprintf("workers=%d,cooldown=%s", bc.workers, bc.cooldown), func(b *testing.B) {
			db, err := sql.Open("sqlite", testDSN(tempDBPath(b)))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = db.Close() })
			e := newTestEngineOn(b, db, func(o *Options) {
				o.Workers = bc.workers
				o.FetchCooldown = bc.cooldown
			})
			var done atomic.Int64
			mustRegister(b, e.Engine, Task{Name: "noop", Run: func(context.Context) error { done.Add(1); return nil }})
			mustStart(b, e.Engine)
			ctx := context.Background()
			var enqueue time.Duration
			b.ResetTimer()
			for i := range b.N {
				begin := time.Now()
				for range 1000 {
					if err := e.RunNow(ctx, "noop"); err != nil {
						b.Fatal(err)
					}
				}
				enqueue += time.Since(begin)
				want := int64(1000 * (i + 1))
				deadline := time.Now().Add(time.Minute)
				for done.Load() < want {
					if time.Now().After(deadline) {
						b.Fatalf("only %d of %d runs after a minute", done.Load(), want)
					}
					time.Sleep(time.Millisecond)
				}
			}
			b.ReportMetric(float64(enqueue.Microseconds())/float64(b.N*1000), "µs-enqueue/job")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*1000), "µs-total/job")
		})
	}
}
