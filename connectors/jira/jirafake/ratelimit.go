package jirafake

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimit configures a token bucket per credential, like Jira Cloud's
// burst limit: Burst requests at once, refilled at PerSecond.
type RateLimit struct {
	Burst     int
	PerSecond float64
}

type bucket struct {
	tokens float64
	last   time.Time
}

type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

// allow takes a token for the credential, or answers 429 with the headers
// Atlassian documents (Retry-After in seconds, X-RateLimit-Reset as
// yyyy-MM-ddTHH:mmZ) and returns false.
func (l *limiter) allow(w http.ResponseWriter, cfg RateLimit, cred string, now time.Time) bool {
	if cfg.Burst <= 0 || cfg.PerSecond <= 0 {
		return true
	}
	l.mu.Lock()
	b, ok := l.buckets[cred]
	if !ok {
		b = &bucket{tokens: float64(cfg.Burst), last: now}
		l.buckets[cred] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(float64(cfg.Burst), b.tokens+elapsed*cfg.PerSecond)
	}
	b.last = now
	tokens := b.tokens
	if tokens >= 1 {
		b.tokens--
	}
	l.mu.Unlock()

	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(cfg.Burst))
	if tokens >= 1 {
		remaining := int(tokens - 1)
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		if float64(remaining) < 0.2*float64(cfg.Burst) {
			h.Set("X-RateLimit-NearLimit", "true")
		}
		return true
	}
	wait := time.Duration(math.Ceil((1-tokens)/cfg.PerSecond)) * time.Second
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
	h.Set("X-RateLimit-Reset", now.Add(wait).UTC().Format("2006-01-02T15:04Z"))
	h.Set("RateLimit-Reason", "jira-burst-based")
	writeErrors(w, http.StatusTooManyRequests, []string{"Rate limit exceeded."}, nil)
	return false
}

// Failure makes the next Count requests that match answer Status, before
// authentication, to test retries: 429 and 503 carry Retry-After when set.
type Failure struct {
	Method     string // empty matches any method
	Path       string // exact request path, or a prefix when it ends in "*"
	Status     int
	Count      int
	RetryAfter time.Duration
}

type traffic struct {
	mu       sync.Mutex
	counts   map[string]int
	failures []*Failure
}

func (t *traffic) count(route string) {
	t.mu.Lock()
	t.counts[route]++
	t.mu.Unlock()
}

func (t *traffic) injectFailure(w http.ResponseWriter, r *http.Request, now time.Time) bool {
	t.mu.Lock()
	var hit *Failure
	for i, fl := range t.failures {
		if fl.matches(r) {
			hit = fl
			fl.Count--
			if fl.Count <= 0 {
				t.failures = append(t.failures[:i], t.failures[i+1:]...)
			}
			break
		}
	}
	t.mu.Unlock()
	if hit == nil {
		return false
	}
	if hit.RetryAfter > 0 {
		secs := int(math.Ceil(hit.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		if hit.Status == http.StatusTooManyRequests {
			w.Header().Set("X-RateLimit-Reset", now.Add(hit.RetryAfter).UTC().Format("2006-01-02T15:04Z"))
		}
	}
	msg := http.StatusText(hit.Status)
	if hit.Status == http.StatusTooManyRequests {
		msg = "Rate limit exceeded."
	}
	writeErrors(w, hit.Status, []string{msg}, nil)
	return true
}

func (fl *Failure) matches(r *http.Request) bool {
	if fl.Method != "" && !strings.EqualFold(fl.Method, r.Method) {
		return false
	}
	if p, ok := strings.CutSuffix(fl.Path, "*"); ok {
		return strings.HasPrefix(r.URL.Path, p)
	}
	return fl.Path == r.URL.Path
}

// InjectFailure queues a failure plan entry; entries are consumed in order.
func (f *Fake) InjectFailure(fl Failure) {
	if fl.Count <= 0 {
		fl.Count = 1
	}
	f.traffic.mu.Lock()
	defer f.traffic.mu.Unlock()
	f.traffic.failures = append(f.traffic.failures, &fl)
}

// RequestCount returns how many API requests hit a route, named by its
// pattern: "GET /rest/api/3/search/jql", "POST /rest/api/3/issue",
// "GET /rest/api/2/issue/{issueIdOrKey}"... Requests rejected for auth,
// rate limits or injected failures count too; admin calls do not.
func (f *Fake) RequestCount(route string) int {
	f.traffic.mu.Lock()
	defer f.traffic.mu.Unlock()
	return f.traffic.counts[route]
}

// RequestCounts returns a copy of all route counters.
func (f *Fake) RequestCounts() map[string]int {
	f.traffic.mu.Lock()
	defer f.traffic.mu.Unlock()
	out := make(map[string]int, len(f.traffic.counts))
	for k, v := range f.traffic.counts {
		out[k] = v
	}
	return out
}

// ResetRequestCounts zeroes the route counters.
func (f *Fake) ResetRequestCounts() {
	f.traffic.mu.Lock()
	defer f.traffic.mu.Unlock()
	clear(f.traffic.counts)
}
