package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/daemon"
	"github.com/liaisonhq/liaison/sync/store"
)

// openTestStore loads the config at cfgPath and opens its store in
// dataDir, as the daemon would; the caller closes it.
func openTestStore(t *testing.T, cfgPath, dataDir string) (*configs.Config, store.Store) {
	t.Helper()
	cfg, err := configs.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := daemon.OpenStore(t.Context(), cfg, daemon.StoreOptions{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, st
}

// adminServer serves the daemon's admin API over a store holding one open
// deadline finding for lakeshore, as a running daemon would; it returns the
// API's URL and the store.
func adminServer(t *testing.T, cfgPath string) (string, store.Store) {
	t.Helper()
	cfg, st := openTestStore(t, cfgPath, t.TempDir())
	t.Cleanup(func() { _ = st.Close() })
	app, err := daemon.NewApp(func() *configs.Config { return cfg }, st, daemon.AppOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	subj := rules.Subject{Kind: rules.SubjectTask, ID: "LAKE-7"}
	f := rules.Finding{Key: rules.Key("deadline", "lakeshore", subj, "overdue"), Rule: "deadline", ClientID: "lakeshore",
		Subject: subj, Severity: rules.SeverityWarning, Title: "LAKE-7 is overdue", FirstSeen: now, LastSeen: now}
	if _, err := app.Deliverer().Reconcile(t.Context(), "deadline", []string{"lakeshore"}, []rules.Finding{f}, now); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	stop := app.Mount(mux, func() {})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); stop(context.Background()) })
	return srv.URL, st
}

func TestSilenceValidatesAgainstConfig(t *testing.T) {
	cfgPath := opsAgency(t, time.Now())
	url, _ := adminServer(t, cfgPath)
	missing := filepath.Join(t.TempDir(), "absent.yaml")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown client, checked by the CLI", []string{"-config", cfgPath, "-client", "lakeshor"}, exitUsage,
			`-client "lakeshor": no such client in the config (did you mean "lakeshore"?)`},
		{"unknown rule, checked by the CLI", []string{"-config", cfgPath, "-rule", "deadlne"}, exitUsage,
			`-rule "deadlne": no such rule (did you mean "deadline"?)`},
		{"unknown client, checked by the daemon", []string{"-config", missing, "-client", "lakeshor"}, exitUsage,
			`(did you mean "lakeshore"?)`},
		{"good silence says what it matches", []string{"-config", cfgPath, "-client", "lakeshore", "-until", "set below"}, exitOK,
			""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if tc.code == exitOK {
				tc.args[len(tc.args)-1] = time.Now().Add(48 * time.Hour).In(kyivLoc(t)).Format(time.RFC3339)
				tc.want = "(Europe/Kyiv); it mutes 1 open finding now"
			}
			args := append([]string{"silence", "add", "-url", url}, tc.args...)
			code := run(args, &out, &errOut)
			if code != tc.code || !strings.Contains(out.String()+errOut.String(), tc.want) {
				t.Errorf("exit %d, out %q, err %q; want %d and %q", code, out.String(), errOut.String(), tc.code, tc.want)
			}
		})
	}

	var out, errOut bytes.Buffer
	if code := run([]string{"silence", "list", "-url", url, "-config", cfgPath}, &out, &errOut); code != exitOK ||
		!strings.Contains(out.String(), "ENDS (Europe/Kyiv)") || !strings.Contains(out.String(), "lakeshore") {
		t.Errorf("silence list = %d:\n%s%s", code, out.String(), errOut.String())
	}
	// The daemon's alerts API: the finding is silenced, and says so.
	out.Reset()
	if code := run([]string{"alerts", "list", "-url", url, "-config", cfgPath, "-client", "lakeshore"}, &out, &errOut); code != exitOK ||
		!strings.Contains(out.String(), "LAKE-7 is overdue") || !strings.Contains(out.String(), "silence ") {
		t.Errorf("alerts list over the API = %d:\n%s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run([]string{"audit", "-url", url, "-config", cfgPath}, &out, &errOut); code != exitOK ||
		!strings.Contains(out.String(), "silence.add") {
		t.Errorf("audit = %d:\n%s%s", code, out.String(), errOut.String())
	}
}

func TestSilenceHelp(t *testing.T) {
	for _, args := range [][]string{{"silence", "-h"}, {"silence", "help"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != exitOK || !strings.Contains(out.String(), "liaison silence add") {
			t.Errorf("%v = %d:\n%s", args, code, out.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"silence", "ad"}, &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), `did you mean "add"?`) {
		t.Errorf("silence ad = %d: %s", code, errOut.String())
	}
}

func kyivLoc(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
