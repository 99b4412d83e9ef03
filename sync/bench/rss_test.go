package bench

import (
	"maps"
	"strings"
	"testing"
)

func TestParseRunsSumsOutcomesByTask(t *testing.T) {
	text := `# HELP liaison_jobs_runs_total Task attempts by task and outcome.
# TYPE liaison_jobs_runs_total counter
liaison_jobs_runs_total{outcome="success",task="rules"} 3
liaison_jobs_runs_total{outcome="error",task="rules"} 1
liaison_jobs_runs_total{outcome="success",task="jira.pull"} 1 1796240213000
liaison_jobs_run_duration_seconds_count{task="rules"} 4
`
	got, err := parseRuns(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"rules": 4, "rules:ok": 3, "jira.pull": 1, "jira.pull:ok": 1}; !maps.Equal(got, want) {
		t.Fatalf("runs %v, want %v", got, want)
	}
}

func TestParseStatusReadsRSSAndPeakInMB(t *testing.T) {
	rss, hwm, err := parseStatus("Name:\tliaison\nVmPeak:\t 900000 kB\nVmHWM:\t  195312 kB\nVmRSS:\t   97656 kB\n")
	if err != nil {
		t.Fatal(err)
	}
	if rss < 99.99 || rss > 100.01 || hwm < 199.99 || hwm > 200.01 {
		t.Fatalf("rss %.3f MB, peak %.3f MB; want 100 and 200", rss, hwm)
	}
	if _, _, err := parseStatus("Name:\tliaison\n"); err == nil {
		t.Fatal("a status without VmRSS parsed")
	}
}

func TestRunsTextShowsSuccessfulOfAll(t *testing.T) {
	got := runsText(map[string]int{"jira.pull": 3, "rules": 9, "rules:ok": 9})
	if want := "jira.pull 0/3, rules 9/9"; got != want {
		t.Fatalf("runsText = %q, want %q", got, want)
	}
}
