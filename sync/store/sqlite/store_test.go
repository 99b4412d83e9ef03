package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/storetest"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir(), Options{
		Clock: clock.NewFake(time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func BenchmarkUpsertTasks(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	tasks := make([]connectors.Task, 5000)
	for i := range tasks {
		tasks[i] = connectors.Task{
			Key: fmt.Sprintf("ACME-%d", i), ID: fmt.Sprint(i), ProjectKey: "ACME", Summary: "task",
			StatusCategory: connectors.StatusCategoryInProgress, AssigneeAccountID: "acc", DueDate: "2026-10-09",
			RemainingEstimate: connectors.Secs(3600), Labels: []string{"seo"},
			Updated: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC),
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for start := 0; start < len(tasks); start += 100 {
			if err := s.UpsertTasks(ctx, tasks[start:start+100]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(tasks)), "ns/task")
}

func BenchmarkClaimDeliveries(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := context.Background()
	due := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for range 10 {
			if _, err := s.EnqueueDelivery(ctx, store.Delivery{Key: fmt.Sprint(i), Kind: store.DeliveryPost,
				Payload: []byte(`{"text":"x"}`), DueAt: due}); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.StartTimer()
		ds, err := s.ClaimDeliveries(ctx, "w", due.Add(time.Hour), time.Minute, 10)
		if err != nil || len(ds) != 10 {
			b.Fatalf("claimed %d: %v", len(ds), err)
		}
		for _, d := range ds {
			if err := s.MarkDeliverySent(ctx, d.Key, "w", "1.0", due); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkReplaceMetrics(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	storetest.BenchReplaceMetrics(b, s)
}
