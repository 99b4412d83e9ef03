package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// TestIdleJiraPullAt2000ConfiguredClients runs the daemon's Jira job for an
// agency of 2,000 clients, each with its own project, configured in YAML:
// once the backfill is done, a pull with nothing new is exactly one search
// and one worklog-feed request at the fake, whatever the number of clients.
func TestIdleJiraPullAt2000ConfiguredClients(t *testing.T) {
	const clients = 2000
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	fake, srv := jirafake.NewServer(t, jirafake.Options{Clock: clk})
	var yml strings.Builder
	fmt.Fprintf(&yml, `agency: {name: Scale Agency, timezone: Europe/Kyiv, language: en}
connections:
  jira: {base_url: %q, email: %q, api_token: %q}
people:
  - {id: am, name: Anna, email: anna@agency.example, role: account_manager, slack_user_id: U01ANNA001}
clients:
`, srv.URL, jirafake.DefaultEmail, jirafake.DefaultToken)
	for i := range clients {
		key := fmt.Sprintf("P%04d", i)
		if _, err := fake.AddProject(jirafake.Project{Key: key}); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			if _, err := fake.PutIssue(jirafake.Issue{Project: key, Summary: "task"}); err != nil {
				t.Fatal(err)
			}
		}
		fmt.Fprintf(&yml, "  - {id: c%04d, name: Client %d, account_manager: am, jira_projects: [%s]}\n", i, i, key)
	}
	cfg, err := configs.Parse("scale.yaml", []byte(yml.String()))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	app, err := NewApp(func() *configs.Config { return cfg }, st, AppOptions{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 2 { // the backfill, then the first incremental pull (which reads the API user's zone once)
		clk.Advance(2 * time.Minute)
		if err := app.PullJira(ctx); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(2 * time.Minute)
	fake.ResetRequestCounts()
	if err := app.PullJira(ctx); err != nil {
		t.Fatal(err)
	}
	counts := fake.RequestCounts()
	total := 0
	for _, n := range counts {
		total += n
	}
	search := counts["GET /rest/api/3/search/jql"] + counts["POST /rest/api/3/search/jql"]
	if total != 2 || search != 1 || counts["GET /rest/api/3/worklog/updated"] != 1 {
		t.Fatalf("idle pull at %d clients: %d requests %v; want exactly 1 search + 1 worklog request", clients, total, counts)
	}
}
