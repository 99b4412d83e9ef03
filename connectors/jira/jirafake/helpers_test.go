package jirafake_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
)

var t0 = time.Date(2026, 11, 27, 10, 13, 42, 0, time.UTC)

// site is a fake on a loopback server with a fake clock.
type site struct {
	fake  *jirafake.Fake
	srv   *httptest.Server
	clock *clock.Fake
}

func newSite(t *testing.T, opts jirafake.Options) *site {
	t.Helper()
	c := clock.NewFake(t0)
	opts.Clock = c
	f, srv := jirafake.NewServer(t, opts)
	return &site{fake: f, srv: srv, clock: c}
}

// goJira returns the go-jira client Liaison's connector will use.
func (s *site) goJira(t *testing.T) *jira.Client {
	t.Helper()
	tp := jira.BasicAuthTransport{Username: jirafake.DefaultEmail, Password: jirafake.DefaultToken}
	c, err := jira.NewClient(tp.Client(), s.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// call does an authenticated raw request and decodes a JSON answer into out (when non-nil).
func (s *site) call(t *testing.T, method, path string, body any, out any) *http.Response {
	t.Helper()
	return s.callAs(t, jirafake.DefaultEmail, jirafake.DefaultToken, method, path, body, out)
}

func (s *site) callAs(t *testing.T, user, token, method, path string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		if raw, ok := body.(string); ok {
			rd = bytes.NewBufferString(raw)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, s.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decoding %q: %v", method, path, raw, err)
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	return resp
}

func mustStatus(t *testing.T, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, b)
	}
}

// errorBody is Jira's ErrorCollection.
type errorBody struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

func seedProjects(t *testing.T, f *jirafake.Fake, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := f.AddProject(jirafake.Project{Key: k}); err != nil {
			t.Fatal(err)
		}
	}
}

func mustPut(t *testing.T, f *jirafake.Fake, in jirafake.Issue) jirafake.Issue {
	t.Helper()
	out, err := f.PutIssue(in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
