package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault kinds, the ways an upstream misbehaves on request.
const (
	// FaultStatus answers Status (429, 500, 502, 503...) with the
	// upstream's own error body; a 429 or 503 carries Retry-After.
	FaultStatus = "status"
	// FaultReset closes the connection with a TCP reset, answering nothing.
	FaultReset = "reset"
	// FaultTimeout answers nothing and holds the connection until the
	// client gives up or the fault is cleared.
	FaultTimeout = "timeout"
	// FaultSlow answers normally after Delay.
	FaultSlow = "slow"
	// FaultTruncate lets the upstream act and answer, then cuts the body
	// off halfway and closes the connection.
	FaultTruncate = "truncate"
)

// Fault is a scripted failure of one upstream, for every request or only
// for those about one client, posted to POST /_sandbox/faults.
type Fault struct {
	// ID is assigned by the sandbox.
	ID int `json:"id"`
	// Upstream is jira, slack or google.
	Upstream string `json:"upstream"`
	// Client, when set, limits the fault to requests about this scenario
	// client: naming one of its Slack channels, Jira projects, Google Ads
	// accounts or Search Console properties.
	Client string `json:"client,omitempty"`
	// Path, when set, limits the fault to request paths starting with it
	// ("/api/chat.postMessage", "/rest/api/3/search").
	Path string `json:"path,omitempty"`
	// Kind is status, reset, timeout, slow or truncate.
	Kind string `json:"kind"`
	// Status is the HTTP status of a status fault.
	Status int `json:"status,omitempty"`
	// RetryAfterSeconds is sent as Retry-After with a 429 or 503; a 429
	// without it says 1.
	RetryAfterSeconds int `json:"retry_after_seconds,omitempty"`
	// DelayMillis is how long a slow fault waits, on the sandbox's clock.
	DelayMillis int `json:"delay_ms,omitempty"`
	// Count is how many requests the fault answers; 0 means every one
	// until it is cleared.
	Count int `json:"count,omitempty"`
	// Injected is how many requests the fault has answered so far.
	Injected int `json:"injected"`

	keys []string
}

// faultTable holds the scripted faults and counts what reaches each
// upstream, per client, so a storm's cost can be read back.
type faultTable struct {
	s      *Sandbox
	mu     sync.Mutex
	nextID int
	faults []*Fault
	// cleared closes when the faults are cleared, releasing held requests.
	cleared  chan struct{}
	injected map[string]int            // kind → requests answered by a fault
	requests map[string]map[string]int // upstream → client ("" for none) → requests
}

func newFaultTable(s *Sandbox) *faultTable {
	return &faultTable{s: s, cleared: make(chan struct{}), injected: map[string]int{}, requests: map[string]map[string]int{}}
}

// clientKeys are the identifiers that show a request concerns client:
// its channel ids, project keys, Ads customer ids and Search Console
// properties (also URL-escaped, as they appear in paths).
func (s *Sandbox) clientKeys(client string) ([]string, bool) {
	for _, c := range s.sc.Clients {
		if c.ID != client {
			continue
		}
		var keys []string
		for _, ch := range c.SlackChannels {
			keys = append(keys, ch.ID)
		}
		keys = append(keys, c.JiraProjects...)
		for _, id := range c.GoogleAds.CustomerIDs {
			keys = append(keys, strings.ReplaceAll(id, "-", ""))
		}
		for _, p := range c.SearchConsole.Properties {
			keys = append(keys, p, url.PathEscape(p), url.QueryEscape(p))
		}
		return keys, true
	}
	return nil, false
}

func (t *faultTable) add(f Fault) (Fault, error) {
	switch f.Upstream {
	case "jira", "slack", "google":
	default:
		return Fault{}, fmt.Errorf("upstream %q: must be jira, slack or google", f.Upstream)
	}
	switch f.Kind {
	case FaultStatus:
		if f.Status < 400 || f.Status > 599 {
			return Fault{}, fmt.Errorf("status %d: a status fault needs 400–599", f.Status)
		}
	case FaultSlow:
		if f.DelayMillis <= 0 {
			return Fault{}, errors.New("delay_ms: a slow fault needs a delay")
		}
	case FaultReset, FaultTimeout, FaultTruncate:
	default:
		return Fault{}, fmt.Errorf("kind %q: must be status, reset, timeout, slow or truncate", f.Kind)
	}
	if f.Count < 0 || f.RetryAfterSeconds < 0 || f.DelayMillis < 0 {
		return Fault{}, errors.New("count, retry_after_seconds and delay_ms cannot be negative")
	}
	if f.Client != "" {
		keys, ok := t.s.clientKeys(f.Client)
		if !ok {
			return Fault{}, fmt.Errorf("client %q: not in the scenario", f.Client)
		}
		f.keys = keys
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.nextID++
	f.ID, f.Injected = t.nextID, 0
	t.faults = append(t.faults, &f)
	return f, nil
}

// clear removes every fault and releases the requests timeout faults hold.
func (t *faultTable) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.faults = nil
	close(t.cleared)
	t.cleared = make(chan struct{})
}

// faultsView is GET /_sandbox/faults.
type faultsView struct {
	Faults   []Fault                   `json:"faults"`
	Injected map[string]int            `json:"injected"`
	Requests map[string]map[string]int `json:"requests"`
}

func (t *faultTable) view() faultsView {
	t.mu.Lock()
	defer t.mu.Unlock()
	v := faultsView{Faults: []Fault{}, Injected: map[string]int{}, Requests: map[string]map[string]int{}}
	for _, f := range t.faults {
		v.Faults = append(v.Faults, *f)
	}
	for k, n := range t.injected {
		v.Injected[k] = n
	}
	for u, m := range t.requests {
		v.Requests[u] = map[string]int{}
		for c, n := range m {
			v.Requests[u][c] = n
		}
	}
	return v
}

// about returns the scenario clients whose identifiers appear in the
// request's path, query or body.
func (s *Sandbox) about(r *http.Request, body []byte) []string {
	hay := r.URL.Path + "?" + r.URL.RawQuery
	if q, err := url.QueryUnescape(r.URL.RawQuery); err == nil {
		hay += "?" + q
	}
	hay += "\n" + string(body)
	var out []string
	for _, c := range s.sc.Clients {
		keys, _ := s.clientKeys(c.ID)
		for _, k := range keys {
			if k != "" && strings.Contains(hay, k) {
				out = append(out, c.ID)
				break
			}
		}
	}
	return out
}

// match counts the request and returns the fault that answers it, if any.
func (t *faultTable) match(upstream string, r *http.Request, body []byte) (*Fault, <-chan struct{}) {
	clients := t.s.about(r, body)
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.requests[upstream]
	if m == nil {
		m = map[string]int{}
		t.requests[upstream] = m
	}
	if len(clients) == 0 {
		m[""]++
	}
	for _, c := range clients {
		m[c]++
	}
	for i, f := range t.faults {
		if f.Upstream != upstream || !strings.HasPrefix(r.URL.Path, f.Path) {
			continue
		}
		if f.Client != "" && !slices.Contains(clients, f.Client) {
			continue
		}
		f.Injected++
		t.injected[f.Kind]++
		hit := *f
		if f.Count > 0 && f.Injected >= f.Count {
			t.faults = slices.Delete(t.faults, i, i+1)
		}
		return &hit, t.cleared
	}
	return nil, nil
}

// wrap applies the faults scripted for upstream to h's requests. Socket
// Mode's websocket upgrades and the fakes' seeding routes (/_fake/) pass
// untouched: they are not the vendors' APIs.
func (t *faultTable) wrap(upstream string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" || strings.HasPrefix(r.URL.Path, "/_fake/") {
			h.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
			if err != nil {
				http.Error(w, "reading request body", http.StatusBadRequest)
				return
			}
			body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		f, cleared := t.match(upstream, r, body)
		if f == nil {
			h.ServeHTTP(w, r)
			return
		}
		t.s.log.Debug("fault injected", "upstream", upstream, "kind", f.Kind, "path", r.URL.Path, "fault", f.ID)
		switch f.Kind {
		case FaultStatus:
			writeFaultStatus(w, upstream, f)
		case FaultReset:
			resetConn(w)
		case FaultTimeout:
			select {
			case <-r.Context().Done():
			case <-cleared:
			}
			resetConn(w)
		case FaultSlow:
			select {
			case <-r.Context().Done():
				return
			case <-t.s.clk.After(time.Duration(f.DelayMillis) * time.Millisecond):
			}
			h.ServeHTTP(w, r)
		case FaultTruncate:
			truncate(w, r, h)
		}
	})
}

// writeFaultStatus answers with the upstream's own error shape.
func writeFaultStatus(w http.ResponseWriter, upstream string, f *Fault) {
	retry := f.RetryAfterSeconds
	if f.Status == http.StatusTooManyRequests && retry == 0 {
		retry = 1
	}
	if retry > 0 && (f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable) {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
	}
	switch upstream {
	case "slack":
		code := "fatal_error"
		if f.Status == http.StatusTooManyRequests {
			code = "ratelimited"
		}
		writeJSON(w, f.Status, map[string]any{"ok": false, "error": code})
	case "jira":
		msg := http.StatusText(f.Status)
		if f.Status == http.StatusTooManyRequests {
			msg = "Rate limit exceeded."
		}
		writeJSON(w, f.Status, map[string]any{"errorMessages": []string{msg}, "errors": map[string]string{}})
	default:
		writeJSON(w, f.Status, map[string]any{"error": map[string]any{
			"code": f.Status, "message": http.StatusText(f.Status), "status": googleStatus(f.Status)}})
	}
}

// googleStatus is the google.rpc.Code name Google's JSON errors carry.
func googleStatus(code int) string {
	switch code {
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED"
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	default:
		return "INTERNAL"
	}
}

// resetConn drops the connection with a TCP RST (SO_LINGER 0), or aborts
// the handler when the connection cannot be taken over.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// truncate serves the request, then sends the status, the full
// Content-Length and half the body, and closes the connection.
func truncate(w http.ResponseWriter, r *http.Request, h http.Handler) {
	buf := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	h.ServeHTTP(buf, r)
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.body.Len()))
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body.Bytes()[:buf.body.Len()/2])
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler)
}

// bufferedResponse keeps a handler's answer for truncate.
type bufferedResponse struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if !b.wroteHeader {
		b.status, b.wroteHeader = code, true
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.wroteHeader = true
	return b.body.Write(p)
}

// serveFaults routes the fault admin API:
//
//	GET    /_sandbox/faults        → 200 {faults, injected, requests}
//	POST   /_sandbox/faults  Fault → 201 Fault
//	DELETE /_sandbox/faults        → 204, every fault cleared
func (t *faultTable) mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sandbox/faults", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, t.view())
	})
	mux.HandleFunc("POST /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		var in Fault
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "decoding fault: " + err.Error()})
			return
		}
		f, err := t.add(in)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "fault: " + err.Error()})
			return
		}
		writeJSON(w, http.StatusCreated, f)
	})
	mux.HandleFunc("DELETE /_sandbox/faults", func(w http.ResponseWriter, _ *http.Request) {
		t.clear()
		w.WriteHeader(http.StatusNoContent)
	})
}
