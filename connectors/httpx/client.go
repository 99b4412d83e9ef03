package httpx

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Options shape a retrying client. Zero values take the defaults shown.
type Options struct {
	// Name labels log lines, e.g. "jira" (no default; logs say "http" when empty).
	Name string
	// RetryMax bounds retries after the first attempt; default 4. Negative disables retries.
	RetryMax int
	// WaitMin and WaitMax bound the exponential backoff; defaults 500 ms and 30 s.
	WaitMin, WaitMax time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for in-line;
	// a longer one is returned to the caller as the 429/503 response, so that
	// a queue can reschedule the work instead of holding a goroutine. Default 60 s.
	MaxRetryAfter time.Duration
	// Timeout bounds one attempt; default 30 s. Callers bound the whole call
	// with their context.
	Timeout time.Duration
	// Transport is the underlying round tripper; default a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Logger receives one debug line per retry; default slog.Default().
	Logger *slog.Logger
	// Now is the clock used to read HTTP-date Retry-After values; default time.Now.
	Now func() time.Time
}

func (o *Options) setDefaults() {
	if o.RetryMax == 0 {
		o.RetryMax = 4
	}
	if o.RetryMax < 0 {
		o.RetryMax = 0
	}
	if o.WaitMin <= 0 {
		o.WaitMin = 500 * time.Millisecond
	}
	if o.WaitMax <= 0 {
		o.WaitMax = 30 * time.Second
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 60 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Name == "" {
		o.Name = "http"
	}
}

// NewClient returns an *http.Client that retries transient failures with
// exponential backoff and full jitter, honours Retry-After on 429 and 503 up
// to MaxRetryAfter, and hands the last response back (not an error) when it
// gives up, so that vendor libraries can read their own error bodies.
func NewClient(opts Options) *http.Client {
	opts.setDefaults()
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: pacedRetries{base: opts.Transport}, Timeout: opts.Timeout}
	rc.Logger = nil // the hooks below log, with URLs redacted
	rc.RetryMax = opts.RetryMax
	rc.RetryWaitMin = opts.WaitMin
	rc.RetryWaitMax = opts.WaitMax
	rc.CheckRetry = checkRetry(opts)
	rc.Backoff = backoff(opts)
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
		if attempt > 0 {
			opts.Logger.Debug("retrying request", "upstream", opts.Name,
				"method", req.Method, "url", RedactURL(req.URL), "attempt", attempt)
		}
	}
	return rc.StandardClient()
}

// checkRetry retries what Classify calls Transient, except when the server
// asks for a pause longer than we are willing to hold a goroutine for.
func checkRetry(opts Options) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if Classify(resp, err) != Transient {
			return false, nil
		}
		if resp != nil {
			if d, ok := RetryAfter(resp.Header, opts.Now()); ok && (d > opts.MaxRetryAfter || queued(ctx)) {
				return false, nil
			}
		}
		return true, nil
	}
}

// queuedKey marks a request context with WithQueuedRetries.
type queuedKey struct{}

// WithQueuedRetries marks requests made with ctx as belonging to a caller
// with a queue of its own (Liaison's outbox): when the server names a pause
// (Retry-After on 429 or 503) the answer comes back at once instead of being
// waited out in-line, so that one rate-limited channel does not hold up the
// calls queued behind it for other channels. Other transient failures are
// still retried in-line.
func WithQueuedRetries(ctx context.Context) context.Context {
	return context.WithValue(ctx, queuedKey{}, true)
}

func queued(ctx context.Context) bool {
	v, _ := ctx.Value(queuedKey{}).(bool)
	return v
}

// backoff honours Retry-After when the server gave one and otherwise waits
// min·2^attempt with full jitter, capped at max: full jitter spreads replicas
// that failed together instead of retrying in lockstep.
func backoff(opts Options) retryablehttp.Backoff {
	return func(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
		return Backoff(min, max, attempt, resp, opts.Now(), rand.Float64)
	}
}

// Backoff is the wait before retry number attempt (0-based): the server's
// Retry-After on 429/503 when present, else a jittered exponential delay in
// [min, min·2^attempt] capped at max. rnd returns values in [0,1).
func Backoff(min, max time.Duration, attempt int, resp *http.Response, now time.Time, rnd func() float64) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := RetryAfter(resp.Header, now); ok {
			return d
		}
	}
	ceil := float64(min) * math.Pow(2, float64(attempt))
	if ceil > float64(max) || math.IsInf(ceil, 0) {
		ceil = float64(max)
	}
	d := time.Duration(float64(min) + rnd()*(ceil-float64(min)))
	if d < min {
		d = min
	}
	return d
}

// StatusError is an upstream answer that was not 2xx, with its body kept
// short and free of secrets. Connectors wrap it with what they were doing.
type StatusError struct {
	Upstream string
	Method   string
	URL      string // redacted
	Code     int
	Body     string // at most 512 bytes
	// RetryAfter is the server's requested pause, zero when none was given.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s %s: %d %s", e.Upstream, e.Method, e.URL, e.Code, http.StatusText(e.Code))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Class tells whether retrying the request can help.
func (e *StatusError) Class() Class { return ClassifyStatus(e.Code) }
