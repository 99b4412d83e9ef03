package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	gojira "github.com/andygrunwald/go-jira"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/httpx"
)

// Options are the dependencies of a Client. Zero values take the defaults noted.
type Options struct {
	// HTTPClient carries the requests; its Transport is wrapped with basic
	// auth. Default: httpx.NewClient (retries, Retry-After, backoff).
	HTTPClient *http.Client
	// Logger receives warnings and dry-run notes; default discards.
	Logger *slog.Logger
	// Clock is "now" for cursors and webhook debouncing; default clock.Real.
	Clock clock.Clock
	// Registerer receives the connector's metrics; nil leaves them unregistered.
	Registerer prometheus.Registerer
	// DryRun logs writes (create, edit, comment, transition, properties)
	// instead of sending them. Reads still go to Jira.
	DryRun bool
	// WebhookDebounce coalesces webhook bursts into one onChange call; default 2 s.
	WebhookDebounce time.Duration
	// RequestsPerSecond overrides Config.RequestsPerSecond, the pace of
	// GET and POST requests per endpoint; negative disables pacing.
	RequestsPerSecond float64
}

// Client talks to one Jira Cloud site through go-jira, with every request
// going through the retrying httpx client. It is safe for concurrent use.
type Client struct {
	jc       *gojira.Client
	log      *slog.Logger
	clock    clock.Clock
	m        *metrics
	dryRun   bool
	debounce time.Duration
	secrets  []string // never to appear in errors or logs
	pace     *pacer

	mu     sync.Mutex
	loc    *time.Location // the API user's zone, read once from /myself
	recent []int64        // ids of issues this process just wrote, newest last
	gone   []string       // ids of issues webhooks reported deleted, to verify
}

// maxRecentWrites is Jira's cap on reconcileIssues.
const maxRecentWrites = 50

// New builds a Client for a configured connection. It validates cfg but does
// not contact Jira.
func New(cfg Config, opts Options) (*Client, error) {
	if !cfg.Configured() {
		return nil, errors.New("jira: connection is not configured")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("jira: invalid config: %w", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.WebhookDebounce <= 0 {
		opts.WebhookDebounce = 2 * time.Second
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = httpx.NewClient(httpx.Options{Name: "jira", Logger: opts.Logger, Now: opts.Clock.Now})
	}
	token := cfg.APIToken.Reveal()
	auth := &gojira.BasicAuthTransport{Username: cfg.Email, Password: token, Transport: opts.HTTPClient.Transport}
	hc := &http.Client{Transport: auth, Timeout: opts.HTTPClient.Timeout, CheckRedirect: opts.HTTPClient.CheckRedirect}
	jc, err := gojira.NewClient(hc, cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("jira: base_url: %w", err)
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	perSecond := cfg.RequestsPerSecond
	if opts.RequestsPerSecond != 0 {
		perSecond = opts.RequestsPerSecond
	}
	if perSecond == 0 {
		perSecond = DefaultRequestsPerSecond
	}
	return &Client{
		jc: jc, log: opts.Logger, clock: opts.Clock, m: m, dryRun: opts.DryRun, debounce: opts.WebhookDebounce,
		secrets: []string{token, cfg.WebhookSecret.Reveal()}, pace: newPacer(perSecond),
	}, nil
}

// reqContext is what an error names besides the operation.
type reqContext struct {
	clients []string
	jql     string
}

// call is one API request.
type call struct {
	op     string // for errors: "searching issues"
	rc     reqContext
	method string
	path   string // relative to the base URL, with the query string
	route  string // metrics label: "GET /rest/api/3/search/jql"
	body   any
	out    any  // decoded from a 2xx JSON answer when non-nil
	write  bool // a side effect: skipped in dry-run mode
}

// do sends c through go-jira. It is the one place where dry-run mode
// decides: a write is logged and reported as skipped, never sent.
func (c *Client) do(ctx context.Context, cl call) (skipped bool, err error) {
	if cl.write && c.dryRun {
		var body string
		if cl.body != nil {
			b, _ := json.Marshal(cl.body)
			body = httpx.Redact(string(b), c.secrets...)
		}
		c.log.Info("jira dry run: write not sent", "op", cl.op, "method", cl.method, "route", cl.route, "body", body)
		c.m.dryRunWrites.Inc()
		return true, nil
	}
	rp := c.pace.route(cl.method, cl.route)
	req, err := c.jc.NewRequestWithContext(ctx, cl.method, cl.path, cl.body)
	if err != nil {
		return false, &opError{op: cl.op, clients: cl.rc.clients, jql: cl.rc.jql, err: fmt.Errorf("building request: %w", err)}
	}
	paced, err := rp.Wait(ctx)
	if err != nil {
		return false, &opError{op: cl.op, clients: cl.rc.clients, jql: cl.rc.jql, err: fmt.Errorf("jira: %w", err)}
	}
	resp, err := c.jc.Do(req.WithContext(httpx.PaceRetries(ctx, rp, paced)), nil)
	paced()
	if resp == nil || resp.Response == nil {
		c.m.requests.WithLabelValues(cl.route, "error").Inc()
		if err == nil {
			err = errors.New("no response")
		}
		// The transport's error is kept as redacted text; a request cut
		// short by ctx still matches ctx's error (a job timeout, a
		// shutdown, a failed query running beside this one).
		return false, &opError{op: cl.op, clients: cl.rc.clients, jql: cl.rc.jql,
			err: &redactedError{msg: httpx.Redact(err.Error(), c.secrets...), cause: ctx.Err()}}
	}
	defer resp.Body.Close()
	c.m.requests.WithLabelValues(cl.route, fmt.Sprint(resp.StatusCode)).Inc()
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return false, newAPIError(cl.op, cl.rc, cl.route, resp.Response, body, c.clock.Now(), c.secrets)
	}
	if rerr != nil {
		return false, &opError{op: cl.op, clients: cl.rc.clients, jql: cl.rc.jql, err: fmt.Errorf("reading answer: %w", rerr)}
	}
	if cl.out != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, cl.out); err != nil {
			return false, &opError{op: cl.op, clients: cl.rc.clients, jql: cl.rc.jql, err: fmt.Errorf("decoding answer: %w", err)}
		}
	}
	return false, nil
}

// Location returns the API user's time zone, in which Jira reads JQL dates.
// It asks /rest/api/3/myself once and remembers a successful answer.
func (c *Client) Location(ctx context.Context) (*time.Location, error) {
	c.mu.Lock()
	loc := c.loc
	c.mu.Unlock()
	if loc != nil {
		return loc, nil
	}
	var me struct {
		AccountID string `json:"accountId"`
		TimeZone  string `json:"timeZone"`
	}
	if _, err := c.do(ctx, call{op: "reading the API user's time zone", method: http.MethodGet,
		path: "rest/api/3/myself", route: "GET /rest/api/3/myself", out: &me}); err != nil {
		return nil, err
	}
	loc = time.UTC
	if tz := strings.TrimSpace(me.TimeZone); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return nil, fmt.Errorf("jira: the API user's time zone %q: %w", tz, err)
		}
		loc = l
	}
	c.mu.Lock()
	c.loc = loc
	c.mu.Unlock()
	return loc, nil
}

// noteWrite remembers an issue this process changed, so that the next
// searches name it in reconcileIssues and see the write despite Jira's
// eventually consistent index.
func (c *Client) noteWrite(id int64) {
	if id <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, v := range c.recent {
		if v == id {
			c.recent = append(c.recent[:i], c.recent[i+1:]...)
			break
		}
	}
	c.recent = append(c.recent, id)
	if len(c.recent) > maxRecentWrites {
		c.recent = c.recent[len(c.recent)-maxRecentWrites:]
	}
}

func (c *Client) recentWrites() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int64(nil), c.recent...)
}

// redactedError is a transport error as redacted text, unwrapping to the
// context's error when the request was cut short by it.
type redactedError struct {
	msg   string
	cause error // nil unless the request's context had ended
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error { return e.cause }
