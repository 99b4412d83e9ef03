package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestCheckConfigOptionalAndRequiredSecrets: with the Jira and Slack
// credentials set but not the optional webhook and signing secrets, the
// example checks with one note per feature that is off; without a required
// token of a block whose other variables are set, it fails at that key.
func TestCheckConfigOptionalAndRequiredSecrets(t *testing.T) {
	for k, v := range map[string]string{
		"JIRA_EMAIL": "ops@northwind.example", "JIRA_API_TOKEN": "jira-token",
		"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_APP_TOKEN": "xapp-1-abc",
	} {
		t.Setenv(k, v)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"check-config", "-config", exampleConfig}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{
		"note: jira: ${JIRA_WEBHOOK_SECRET} is not set: the Jira webhook (POST /jira/webhook) is off",
		"note: slack: ${SLACK_SIGNING_SECRET} is not set: the Events API endpoint (/slack/events) is off; events arrive over Socket Mode",
		"note: google: ${GOOGLE_SERVICE_ACCOUNT_JSON}, ${GOOGLE_ADS_DEVELOPER_TOKEN} are not set",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check-config lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "note: jira: ${JIRA_EMAIL}") || strings.Contains(out.String(), "note: slack: ${SLACK_BOT_TOKEN}") {
		t.Errorf("jira or slack reported off:\n%s", out.String())
	}

	t.Setenv("SLACK_APP_TOKEN", "")
	// An empty variable is set; unsetting needs os.Unsetenv, which t.Setenv
	// restores afterwards.
	unsetenv(t, "SLACK_APP_TOKEN")
	out.Reset()
	errOut.Reset()
	if code := run([]string{"check-config", "-config", exampleConfig}, &out, &errOut); code != exitUsage ||
		!strings.Contains(out.String(), "connections.slack.app_token: ${SLACK_APP_TOKEN} is not set; connections.slack needs it") ||
		!strings.Contains(errOut.String(), "1 problem") {
		t.Errorf("without SLACK_APP_TOKEN: exit %d:\n%s%s", code, out.String(), errOut.String())
	}
}

func TestLoopbackOf(t *testing.T) {
	for in, want := range map[string]string{
		":9090": "127.0.0.1:9090", "0.0.0.0:8080": "127.0.0.1:8080", "[::]:9090": "127.0.0.1:9090",
		"127.0.0.1:7000": "127.0.0.1:7000", "bogus": "127.0.0.1:9090",
	} {
		if got := loopbackOf(in); got != want {
			t.Errorf("loopbackOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func unsetenv(t *testing.T, k string) {
	t.Helper()
	if err := os.Unsetenv(k); err != nil {
		t.Fatal(err)
	}
}
