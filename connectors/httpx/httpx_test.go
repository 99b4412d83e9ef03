package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestClassifyStatus(t *testing.T) {
	for code, want := range map[int]Class{
		200: OK, 204: OK, 302: OK,
		400: Permanent, 401: Permanent, 403: Permanent, 404: Permanent, 410: Permanent, 501: Permanent,
		408: Transient, 429: Transient, 500: Transient, 502: Transient, 503: Transient, 504: Transient,
	} {
		if got := ClassifyStatus(code); got != want {
			t.Errorf("ClassifyStatus(%d) = %v, want %v", code, got, want)
		}
	}
	if got := Classify(nil, context.Canceled); got != Permanent {
		t.Errorf("cancelled context = %v, want permanent", got)
	}
	if got := Classify(nil, &url.Error{Op: "Get", URL: "x", Err: errors.New("connection refused")}); got != Transient {
		t.Errorf("connection refused = %v, want transient", got)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"7", 7 * time.Second, true},
		{"0", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"Fri, 27 Nov 2026 10:00:30 GMT", 30 * time.Second, true},
		{"Fri, 27 Nov 2026 09:00:00 GMT", 0, true},
	}
	for _, c := range cases {
		h := http.Header{}
		if c.header != "" {
			h.Set("Retry-After", c.header)
		}
		got, ok := RetryAfter(h, now)
		if got != c.want || ok != c.ok {
			t.Errorf("RetryAfter(%q) = %v,%v want %v,%v", c.header, got, ok, c.want, c.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	now := time.Now()
	min, max := 100*time.Millisecond, 2*time.Second
	for attempt, wantCeil := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond, 2 * time.Second, 2 * time.Second} {
		if got := Backoff(min, max, attempt, nil, now, func() float64 { return 0.999999 }); got > wantCeil || got < wantCeil*99/100 {
			t.Errorf("attempt %d with rnd≈1: %v, want ≈%v", attempt, got, wantCeil)
		}
		if got := Backoff(min, max, attempt, nil, now, func() float64 { return 0 }); got != min {
			t.Errorf("attempt %d with rnd=0: %v, want %v", attempt, got, min)
		}
	}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"9"}}}
	if got := Backoff(min, max, 0, resp, now, func() float64 { return 0 }); got != 9*time.Second {
		t.Errorf("429 with Retry-After 9: %v", got)
	}
	resp = &http.Response{StatusCode: 500, Header: http.Header{"Retry-After": {"9"}}}
	if got := Backoff(min, max, 0, resp, now, func() float64 { return 0 }); got != min {
		t.Errorf("500 ignores Retry-After: got %v", got)
	}
}

func fastClient() *http.Client {
	return NewClient(Options{Name: "test", WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond, RetryMax: 3, MaxRetryAfter: 2 * time.Second})
}

func TestClientRetriesTransientAndReplaysBody(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if string(b) != "payload" {
			t.Errorf("attempt %d got body %q", calls.Load()+1, b)
		}
		switch calls.Add(1) {
		case 1:
			w.WriteHeader(503)
		case 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
		default:
			io.WriteString(w, "done")
		}
	}))
	defer srv.Close()
	resp, err := fastClient().Post(srv.URL, "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "done" || calls.Load() != 3 {
		t.Fatalf("status %d body %q after %d calls; want 200 done after 3", resp.StatusCode, body, calls.Load())
	}
}

func TestClientDoesNotRetryPermanent(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(400)
		io.WriteString(w, `{"errorMessages":["bad"]}`)
	}))
	defer srv.Close()
	resp, err := fastClient().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || calls.Load() != 1 || !strings.Contains(string(body), "bad") {
		t.Fatalf("status %d after %d calls, body %q", resp.StatusCode, calls.Load(), body)
	}
}

// A Retry-After longer than we hold a goroutine for goes back to the caller at
// once, with the header intact, so a queue can reschedule.
func TestClientHandsBackLongRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(429)
	}))
	defer srv.Close()
	start := time.Now()
	resp, err := fastClient().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || calls.Load() != 1 || resp.Header.Get("Retry-After") != "3600" {
		t.Fatalf("status %d, %d calls, Retry-After %q", resp.StatusCode, calls.Load(), resp.Header.Get("Retry-After"))
	}
	if time.Since(start) > time.Second {
		t.Fatalf("client waited %v instead of handing the 429 back", time.Since(start))
	}
}

func TestClientGivesUpWithLastResponse(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(502)
		io.WriteString(w, "upstream down")
	}))
	defer srv.Close()
	resp, err := fastClient().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 502 || calls.Load() != 4 || string(body) != "upstream down" {
		t.Fatalf("status %d after %d calls (want 502 after 1+3), body %q", resp.StatusCode, calls.Load(), body)
	}
}

func TestClientStopsOnContextCancel(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	if _, err := fastClient().Do(req); err == nil {
		t.Fatal("want an error for a cancelled context")
	}
	if calls.Load() > 1 {
		t.Fatalf("retried %d times after cancel", calls.Load())
	}
}

func TestRedact(t *testing.T) {
	u, _ := url.Parse("https://bob:hunter2@example.atlassian.net/rest/api/3/search/jql?jql=x&token=xoxb-123-secret&access_token=ya29.abc")
	got := RedactURL(u)
	for _, leak := range []string{"hunter2", "xoxb-123-secret", "ya29.abc"} {
		if strings.Contains(got, leak) {
			t.Errorf("RedactURL leaks %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, "jql=x") {
		t.Errorf("RedactURL dropped harmless params: %s", got)
	}
	if got := Redact("auth failed for xoxb-123-secret", "xoxb-123-secret", ""); strings.Contains(got, "xoxb") {
		t.Errorf("Redact: %s", got)
	}
	e := &StatusError{Upstream: "jira", Method: "GET", URL: RedactURL(u), Code: 401, Body: "unauthorized"}
	if strings.Contains(e.Error(), "hunter2") || e.Class() != Permanent {
		t.Errorf("StatusError: %s %v", e, e.Class())
	}
}

// TestQueuedRetriesHandBackShortRetryAfter: a caller with its own queue gets
// even a short Retry-After back at once, while a 502 is still retried.
func TestQueuedRetriesHandBackShortRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.WriteHeader(http.StatusBadGateway)
		default:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	req, err := http.NewRequestWithContext(WithQueuedRetries(context.Background()), "GET", srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := fastClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || calls.Load() != 2 {
		t.Fatalf("status %d after %d calls, want the 429 handed back on the second call", resp.StatusCode, calls.Load())
	}
}
