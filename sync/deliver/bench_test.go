package deliver

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// noSlack fails every call: Reconcile and Flush must not talk to Slack.
type noSlack struct{}

var errNoSlack = errors.New("flush called slack")

func (noSlack) PostMessage(context.Context, Message) (string, error) { return "", errNoSlack }
func (noSlack) UpdateMessage(context.Context, string, Message) error { return errNoSlack }
func (noSlack) PostEphemeral(context.Context, string, Message) error { return errNoSlack }
func (noSlack) OpenDM(context.Context, string) (string, error)       { return "", errNoSlack }
func (noSlack) FindByMetadata(context.Context, string, string, string, string, time.Time, int) (string, bool, error) {
	return "", false, errNoSlack
}

// BenchmarkReconcileFlush records 2,000 findings for 50 account managers
// (one client each, 40 findings per client) and
// flushes them into 50 posts.
func BenchmarkReconcileFlush(b *testing.B) {
	loc := Kyiv(b)
	start := time.Date(2026, 10, 5, 10, 0, 0, 0, loc)
	dir := Agency(b)
	dir.People, dir.Clients = nil, map[string]*connectors.Client{}
	var fs []rules.Finding
	for i := 0; i < 50; i++ {
		id := fmt.Sprintf("am%02d", i)
		dir.People = append(dir.People, connectors.Person{ID: id, Role: connectors.RoleAccountManager, SlackUserID: fmt.Sprintf("U0AM%06d", i)})
		dir.Cals[id] = WorkCalendar(b, loc)
		client := fmt.Sprintf("client%02d", i)
		dir.Clients[client] = &connectors.Client{ID: client, Name: client, AccountManager: id}
		for j := 0; j < 40; j++ {
			fs = append(fs, MakeFinding("deadline", client, fmt.Sprintf("C%02d-%d", i, j), rules.SeverityWarning))
		}
	}
	for b.Loop() {
		b.StopTimer()
		clk := clock.NewFake(start)
		st, err := sqlite.Open(context.Background(), b.TempDir(), sqlite.Options{Clock: clk})
		if err != nil {
			b.Fatal(err)
		}
		d, err := New(st, noSlack{}, func() Directory { return dir }, clk, nil, nil, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := d.Reconcile(context.Background(), "deadline", nil, fs, clk.Now()); err != nil {
			b.Fatal(err)
		}
		clk.Advance(time.Minute)
		if err := d.Flush(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		posts, err := st.ListDeliveries(context.Background(), store.DeliveryFilter{})
		if err != nil || len(posts) != 50 {
			b.Fatalf("%d posts (%v), want 50", len(posts), err)
		}
		_ = st.Close()
		b.StartTimer()
	}
}

// BenchmarkListAlerts lists 2,000 pending notifications for 50 account
// managers with what each waits for: what `liaison alerts list` costs at
// an agency of that size.
func BenchmarkListAlerts(b *testing.B) {
	loc := Kyiv(b)
	start := time.Date(2026, 10, 5, 10, 0, 0, 0, loc)
	dir := Agency(b)
	dir.People, dir.Clients = nil, map[string]*connectors.Client{}
	var fs []rules.Finding
	for i := 0; i < 50; i++ {
		id := fmt.Sprintf("am%02d", i)
		dir.People = append(dir.People, connectors.Person{ID: id, Role: connectors.RoleAccountManager, SlackUserID: fmt.Sprintf("U0AM%06d", i)})
		dir.Cals[id] = WorkCalendar(b, loc)
		client := fmt.Sprintf("client%02d", i)
		dir.Clients[client] = &connectors.Client{ID: client, Name: client, AccountManager: id}
		for j := 0; j < 40; j++ {
			fs = append(fs, MakeFinding("deadline", client, fmt.Sprintf("C%02d-%d", i, j), rules.SeverityWarning))
		}
	}
	clk := clock.NewFake(start)
	st, err := sqlite.Open(context.Background(), b.TempDir(), sqlite.Options{Clock: clk})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	d, err := New(st, noSlack{}, func() Directory { return dir }, clk, nil, nil, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := d.Reconcile(context.Background(), "deadline", nil, fs, clk.Now()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		as, err := ListAlerts(context.Background(), st, dir, clk.Now(), AlertFilter{})
		if err != nil || len(as) != 2000 {
			b.Fatalf("%d alerts (%v), want 2,000", len(as), err)
		}
	}
}
