package daemon

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/liaisonhq/liaison/configs"
)

func muxWith(t *testing.T, yaml string) http.Handler {
	t.Helper()
	cfg, err := configs.Parse("agency.yaml", []byte(yaml), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{ConfigPath: "agency.yaml", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return d.newMux(d.reg)
}

func get(h http.Handler, path, remote string) int {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// The profiler is off unless server.pprof is set, and then answers only
// callers on the loopback interface: the port serves /metrics to the
// network too.
func TestPprofOnlyWhenConfiguredAndOnlyOnLoopback(t *testing.T) {
	const agency = "agency: {name: Northwind, timezone: Europe/Kyiv, language: en}\n"
	off := muxWith(t, agency)
	if code := get(off, "/debug/pprof/cmdline", "127.0.0.1:40000"); code != http.StatusNotFound {
		t.Errorf("pprof off by default: GET /debug/pprof/cmdline = %d, want 404", code)
	}
	on := muxWith(t, agency+"server: {listen: \":9090\", pprof: true}\n")
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/goroutine?debug=1"} {
		if code := get(on, path, "127.0.0.1:40000"); code != http.StatusOK {
			t.Errorf("pprof on, from loopback: GET %s = %d, want 200", path, code)
		}
		if code := get(on, path, "[::1]:40000"); code != http.StatusOK {
			t.Errorf("pprof on, from ::1: GET %s = %d, want 200", path, code)
		}
		if code := get(on, path, "203.0.113.7:40000"); code != http.StatusForbidden {
			t.Errorf("pprof on, from the network: GET %s = %d, want 403", path, code)
		}
	}
	if code := get(on, "/metrics", "203.0.113.7:40000"); code != http.StatusOK {
		t.Errorf("/metrics from the network = %d, want 200", code)
	}
}
