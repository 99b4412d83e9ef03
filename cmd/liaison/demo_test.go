package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// demoStart is a Monday, 07:30 in Kyiv, so that the output is the same on
// every run.
const demoStart = "2026-11-30T07:30:00+02:00"

// TestDemoBinary is the README's first command on a fresh machine: the
// built binary, no config, no credentials, an environment with nothing in
// it, and the network never used beyond loopback.
func TestDemoBinary(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	cmd := exec.Command(liaisonBin, "demo", "-out", out, "-start", demoStart)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	t.Logf("liaison demo took %v", time.Since(began))
	if err != nil {
		t.Fatalf("liaison demo: %v\nstderr:\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("liaison demo wrote to stderr:\n%s", stderr.String())
	}
	got := stdout.String()
	for _, want := range []string{
		"Liaison demo — Northwind Growth",
		"DM to Anna Melnyk (account manager)", "ACME-1 «Fix crawl errors on the product catalogue»: прострочено на", "STEP-2 «Keyword map for the Almaty landing pages»: срок",
		"planned 07:30 → sent 09:00 EET",
		"redirect   Liaison · replied to Petro Savchenko",
		filepath.Join(out, "index.html"),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if fi, err := os.Stat(filepath.Join(out, "index.html")); err != nil || fi.Size() == 0 {
		t.Errorf("index.html not written: %v", err)
	}
}

func TestDemoFlags(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"bad start", []string{"-start", "tomorrow"}, exitUsage, nil, "not an RFC 3339 time"},
		{"unknown flag", []string{"-verbose"}, exitUsage, nil, "flag provided but not defined"},
		{"stray argument", []string{"now"}, exitUsage, nil, "unexpected arguments"},
		{"quiet prints only the summary", []string{"-quiet", "-start", demoStart}, exitOK,
			[]string{"Summary: Client messages seen: 5 · Alerts sent: ", "index.html"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "demo")
			var stdout, stderr bytes.Buffer
			code := cmdDemo(append([]string{"-out", out}, tc.args...), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderr)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if tc.code == exitOK {
				if strings.Contains(stdout.String(), "DM to Anna") {
					t.Errorf("-quiet printed the transcript:\n%s", stdout.String())
				}
				if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
					t.Errorf("index.html not written: %v", err)
				}
			}
		})
	}
}

// TestDemoCustomScenario plays an agency's own scenario from a chosen
// start: Friday 18:30 in Kyiv, after the account manager's day, before a
// Monday holiday. The overdue task and the client's ping wait for her
// Tuesday morning, and the client is redirected at once.
func TestDemoCustomScenario(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	var stdout, stderr bytes.Buffer
	code := run([]string{"demo", "-seed", "testdata/friday.yaml", "-start", "2026-12-04T18:30:00+02:00",
		"-until", "2026-12-04T21:00:00+02:00", "-out", out}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got := stdout.String()
	for _, want := range []string{
		"Liaison demo — Lakeshore Digital",
		"Fri 4 Dec 2026 18:30 → 21:00 EET",
		"Pat Client", "HRB-1",
		"waits until Tue 09:00",
		filepath.Join(out, "index.html"),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Northwind") {
		t.Errorf("the sample agency leaked into a custom run:\n%s", got)
	}
}

// TestDemoCustomScenarioWithConfig plays the scenario with the agency's own
// config: its rules (here, no reply in the client's thread) apply instead
// of the defaults, and its connections are replaced by the sandbox's.
func TestDemoCustomScenarioWithConfig(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "agency.yaml")
	if err := os.WriteFile(cfg, []byte(`agency:
  name: Lakeshore Digital
  timezone: Europe/Kyiv
  slack_team_id: T0REALTEAM01
  holiday_calendars:
    ua:
      - {date: 2026-12-07, name: Unity Day}
  default_holiday_calendar: ua
people:
  - {id: head, name: Hanna Head, email: head@lakeshore.example, role: head, slack_user_id: U0LAKEHEAD1}
  - {id: amy, name: Amy Manager, email: amy@lakeshore.example, role: account_manager, slack_user_id: U0LAKEAMY01, hours: ["mon-fri 09:00-18:00"]}
  - {id: sam, name: Sam Specialist, email: sam@lakeshore.example, role: specialist, specialty: seo, slack_user_id: U0LAKESAM01, jira_account_id: "712020:lake-sam"}
clients:
  - id: harbor
    name: Harbor Foods
    account_manager: amy
    specialists: [sam]
    jira_projects: [HRB]
rules:
  redirect:
    reply_in_thread: false
connections:
  jira: {base_url: https://lakeshore.atlassian.net, email: ops@lakeshore.example, api_token: "${JIRA_API_TOKEN}"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"demo", "-seed", "testdata/friday.yaml", "-config", cfg, "-start", "2026-12-04T18:30:00+02:00",
		"-until", "2026-12-04T21:00:00+02:00", "-out", filepath.Join(t.TempDir(), "demo")}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got := stdout.String()
	if !strings.Contains(got, "waits until Tue 09:00") {
		t.Errorf("transcript lacks the held alert:\n%s", got)
	}
	if strings.Contains(got, "replied to Pat Client") {
		t.Errorf("the agency's rules say no reply to clients, yet one was posted:\n%s", got)
	}

	var errOut bytes.Buffer
	if code := run([]string{"demo", "-config", cfg}, &stdout, &errOut); code != exitUsage || !strings.Contains(errOut.String(), "-config needs -seed") {
		t.Errorf("-config without -seed = %d: %s", code, errOut.String())
	}
}
