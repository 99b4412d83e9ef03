package sandbox

import (
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
)

// TestNewScaledServesTheReferenceLoadAtScale builds the reference load at
// a hundredth: 20 clients with two projects, 100 issues, a channel, an
// Ads account and a Search Console site each, and 300 people; the written
// config loads and names every one of them.
func TestNewScaledServesTheReferenceLoadAtScale(t *testing.T) {
	sb, err := NewScaled(Options{Clock: clock.NewFake(time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC))}, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if n := len(sb.Jira().Issues()); n != 20*RefIssuesPerClient {
		t.Errorf("%d issues in the Jira fake, want %d", n, 20*RefIssuesPerClient)
	}
	data, err := sb.Config("http://127.0.0.1:1", ConfigOptions{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Parse("scaled.yaml", data, configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatalf("the written config does not load: %v", err)
	}
	if len(cfg.People) != RefPeople || len(cfg.Clients) != 20 {
		t.Fatalf("%d people and %d clients, want %d and 20", len(cfg.People), len(cfg.Clients), RefPeople)
	}
	for _, c := range cfg.Clients {
		if len(c.JiraProjects) != 2 || len(c.SlackChannels) != 1 || len(c.GoogleAds.CustomerIDs) != 1 ||
			c.GoogleAds.LoginCustomerID != GoogleManagerID || len(c.SearchConsole.Properties) != 1 {
			t.Fatalf("client %s lacks part of its load: %+v", c.ID, c.Client)
		}
	}
	if _, err := ScaleScenario(0); err == nil {
		t.Error("ScaleScenario(0) succeeded")
	}
}
