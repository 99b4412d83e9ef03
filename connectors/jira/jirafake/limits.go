package jirafake

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits are the limits Jira Cloud documents for API-token traffic, which is
// governed by burst limits rather than the points-based quota of apps:
// requests per second per endpoint and HTTP method for the whole site
// (RateLimit-Reason jira-burst-based), and writes per issue within sliding
// windows (jira-per-issue-on-write). The zero value enforces nothing.
type Limits struct {
	// Burst is the steady rate per endpoint by HTTP method ("GET": 100...),
	// a token bucket holding one second's worth. A method not listed is
	// not limited.
	Burst map[string]float64
	// PerIssueWrites limits writes (any method but GET) to one issue; each
	// window is checked.
	PerIssueWrites []Window
}

// Window allows at most Max events within any span of Per.
type Window struct {
	Max int
	Per time.Duration
}

// CloudLimits returns Jira Cloud's documented values: 100 requests per
// second per endpoint for GET and POST, 50 for PUT and DELETE, and per
// issue 20 writes in 2 seconds and 100 in 30 seconds.
func CloudLimits() Limits {
	return Limits{
		Burst:          map[string]float64{http.MethodGet: 100, http.MethodPost: 100, http.MethodPut: 50, http.MethodDelete: 50},
		PerIssueWrites: []Window{{Max: 20, Per: 2 * time.Second}, {Max: 100, Per: 30 * time.Second}},
	}
}

// siteLimiter enforces Limits for the whole site.
type siteLimiter struct {
	mu     sync.Mutex
	routes map[string]*bucket    // by route pattern, which includes the method
	writes map[int64][]time.Time // per issue id, recent write instants, oldest first
}

// allow admits the request (with X-RateLimit-Limit, -Remaining and, under a
// fifth left, -NearLimit) or answers 429 with Retry-After, X-RateLimit-* and
// RateLimit-Reason, as Jira does. issueID is the issue a write targets,
// 0 for none.
func (l *siteLimiter) allow(w http.ResponseWriter, lim Limits, route, method string, issueID int64, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rate := lim.Burst[method]; rate > 0 {
		if l.routes == nil {
			l.routes = map[string]*bucket{}
		}
		b, ok := l.routes[route]
		if !ok {
			b = &bucket{tokens: rate, last: now}
			l.routes[route] = b
		}
		if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
			b.tokens = math.Min(rate, b.tokens+elapsed*rate)
		}
		b.last = now
		if b.tokens < 1 {
			wait := time.Duration(math.Ceil((1 - b.tokens) / rate * float64(time.Second)))
			tooMany(w, "jira-burst-based", strconv.Itoa(int(rate)), wait, now)
			return false
		}
		b.tokens--
		// Jira tells a client how close it is on every answer, not only the 429.
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(int(rate)))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(int(b.tokens)))
		if b.tokens < 0.2*rate {
			h.Set("X-RateLimit-NearLimit", "true")
		}
	}
	if issueID != 0 && method != http.MethodGet && len(lim.PerIssueWrites) > 0 {
		if l.writes == nil {
			l.writes = map[int64][]time.Time{}
		}
		log := l.writes[issueID]
		var longest time.Duration
		for _, win := range lim.PerIssueWrites {
			longest = max(longest, win.Per)
		}
		for len(log) > 0 && now.Sub(log[0]) >= longest {
			log = log[1:]
		}
		for _, win := range lim.PerIssueWrites {
			in := 0
			for _, t := range log {
				if now.Sub(t) < win.Per {
					in++
				}
			}
			if in >= win.Max {
				// The oldest write inside the window leaves it first.
				oldest := log[len(log)-in]
				l.writes[issueID] = log
				tooMany(w, "jira-per-issue-on-write", strconv.Itoa(win.Max), oldest.Add(win.Per).Sub(now), now)
				return false
			}
		}
		l.writes[issueID] = append(log, now)
	}
	return true
}

// tooMany writes Jira's 429: Retry-After in whole seconds (at least 1) and
// X-RateLimit-Reset as yyyy-MM-ddTHH:mmZ.
func tooMany(w http.ResponseWriter, reason, limit string, wait time.Duration, now time.Time) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(secs))
	h.Set("X-RateLimit-Limit", limit)
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", now.Add(time.Duration(secs)*time.Second).UTC().Format("2006-01-02T15:04Z"))
	h.Set("RateLimit-Reason", reason)
	writeErrors(w, http.StatusTooManyRequests, []string{"Rate limit exceeded."}, nil)
}

// writeTarget returns the id of the issue a request path names
// (/rest/api/N/issue/{issueIdOrKey}/...), current or former key, or 0.
func (f *Fake) writeTarget(path string) int64 {
	_, rest, ok := strings.Cut(path, "/issue/")
	if !ok {
		return 0
	}
	ref, _, _ := strings.Cut(rest, "/")
	if ref == "" {
		return 0
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	if is := f.lookupLocked(ref); is != nil {
		return is.id
	}
	return 0
}
