package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// testStart is a Wednesday, 10:00 in Kyiv: working hours for the agency.
var testStart = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

// syncBuffer is an io.Writer safe for the recorder's concurrent writes and
// the test's reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// records parses a recording, failing on any line that is not a Record.
func (b *syncBuffer) records(t *testing.T) []Record {
	t.Helper()
	var out []Record
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var r Record
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("recording line %d is not a record: %v\n%s", n, err, sc.Bytes())
		}
		out = append(out, r)
	}
	return out
}

type env struct {
	sb    *Sandbox
	clk   *clock.Fake
	base  string
	rec   *syncBuffer
	httpc *http.Client
}

// start runs a sandbox with the sample scenario (or sc) on a fake clock at
// testStart, listening on a free loopback port, recording into a buffer.
func start(t *testing.T, sc *Scenario, mod func(*Options)) *env {
	t.Helper()
	clk := clock.NewFake(testStart)
	rec := &syncBuffer{}
	opts := Options{Clock: clk, Seed: sc, Record: rec, SlackRateLimits: slackfake.RateLimitsOff}
	if mod != nil {
		mod(&opts)
	}
	sb, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &env{sb: sb, clk: clk, base: base, rec: rec, httpc: &http.Client{Timeout: 10 * time.Second}}
}

// config writes and parses the agency config for the running sandbox.
func (e *env) config(t *testing.T) *configs.Config {
	t.Helper()
	data, err := e.sb.Config(e.base, ConfigOptions{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("Config: %v", err)
	}
	cfg, err := configs.Parse("sandbox.yaml", data, configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatalf("the written config does not load:\n%v\n---\n%s", err, data)
	}
	return cfg
}

// getJSON fetches a sandbox URL and decodes its JSON into v.
func (e *env) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	resp, err := e.httpc.Get(e.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
}

func mustParse(t *testing.T, yamlText string) *Scenario {
	t.Helper()
	sc, err := ParseScenario("seed.yaml", []byte(yamlText))
	if err != nil {
		t.Fatalf("ParseScenario: %v", err)
	}
	return sc
}
