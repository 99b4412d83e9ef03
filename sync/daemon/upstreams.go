package daemon

import (
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/api/googleapi"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/googleads"
	"github.com/liaisonhq/liaison/connectors/jira"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
)

// UpstreamState is what Liaison knows about one upstream (jira, slack,
// google), as /readyz shows it.
type UpstreamState struct {
	// Name is jira, slack or google.
	Name string `json:"name"`
	// Configured says whether the connector runs at all.
	Configured bool `json:"configured"`
	// NotConfigured says why it does not, when it does not.
	NotConfigured string `json:"not_configured,omitempty"`
	// Authenticated is nil until the upstream has answered once; false
	// while it rejects the credentials.
	Authenticated *bool `json:"authenticated,omitempty"`
	// LastSuccess is the last time a call to the upstream succeeded.
	LastSuccess *time.Time `json:"last_success,omitempty"`
	// LastError is the last failure's text (never a secret: connector
	// errors are redacted) and LastErrorAt when it happened; both are
	// cleared by the next success.
	LastError   string     `json:"last_error,omitempty"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
	// FeaturesOff lists features turned off because their optional secret
	// is not set.
	FeaturesOff []string `json:"features_off,omitempty"`
}

// upstreams tracks each upstream's state from the outcomes of the work that
// calls it. It logs a failure once, when it starts or its reason changes,
// and a recovery once; the job engine's own retries add nothing.
type upstreams struct {
	log *slog.Logger

	mu     sync.Mutex
	states map[string]*UpstreamState

	up          *prometheus.GaugeVec
	lastSuccess *prometheus.GaugeVec
}

// upstreamNames are the upstreams in the order they are shown.
var upstreamNames = []string{"jira", "slack", "google"}

func newUpstreams(cfg *configs.Config, log *slog.Logger, reg prometheus.Registerer) (*upstreams, error) {
	u := &upstreams{
		log:    log,
		states: map[string]*UpstreamState{},
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "liaison_upstream_up",
			Help: "1 if the upstream's last call succeeded, 0 if it failed or the connector is not configured.",
		}, []string{"upstream"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "liaison_upstream_last_success_timestamp_seconds",
			Help: "When a call to the upstream last succeeded (Unix seconds); absent until one does.",
		}, []string{"upstream"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{u.up, u.lastSuccess} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	off := map[string][]string{}
	for _, f := range cfg.FeaturesOff() {
		name, _, _ := strings.Cut(f, ":")
		off[name] = append(off[name], f)
	}
	for _, c := range connectorStates(cfg) {
		u.states[c.name] = &UpstreamState{Name: c.name, Configured: c.reason == "", NotConfigured: c.reason, FeaturesOff: off[c.name]}
		u.up.WithLabelValues(c.name).Set(0)
	}
	return u, nil
}

// succeeded records a successful call to name at now.
func (u *upstreams) succeeded(name string, now time.Time) {
	u.mu.Lock()
	s := u.states[name]
	if s == nil {
		u.mu.Unlock()
		return
	}
	recovered := s.LastError != ""
	yes := true
	t := now
	s.Authenticated, s.LastSuccess, s.LastError, s.LastErrorAt = &yes, &t, "", nil
	u.mu.Unlock()
	u.up.WithLabelValues(name).Set(1)
	u.lastSuccess.WithLabelValues(name).Set(float64(now.Unix()))
	if recovered {
		u.log.Info("upstream recovered", "upstream", name)
	}
}

// failed records a failed call to name at now. A failure that says the
// credentials are refused marks the upstream unauthenticated.
func (u *upstreams) failed(name string, err error, now time.Time) {
	u.mu.Lock()
	s := u.states[name]
	if s == nil {
		u.mu.Unlock()
		return
	}
	reason := err.Error()
	auth := authRejected(err)
	// A refused credential is one failure however many calls meet it.
	repeated := s.LastError == reason || (auth && s.Authenticated != nil && !*s.Authenticated)
	t := now
	s.LastError, s.LastErrorAt = reason, &t
	if auth {
		no := false
		s.Authenticated = &no
	}
	u.mu.Unlock()
	u.up.WithLabelValues(name).Set(0)
	if repeated {
		return
	}
	if auth {
		u.log.Error("upstream rejects the credentials; not ready until they are fixed", "upstream", name, "reason", reason)
		return
	}
	u.log.Warn("upstream failing", "upstream", name, "reason", reason)
}

// snapshot returns every upstream's state, in a stable order.
func (u *upstreams) snapshot() []UpstreamState {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]UpstreamState, 0, len(u.states))
	for _, s := range u.states {
		c := *s
		c.FeaturesOff = append([]string(nil), s.FeaturesOff...)
		out = append(out, c)
	}
	order := map[string]int{}
	for i, n := range upstreamNames {
		order[n] = i
	}
	sort.Slice(out, func(i, j int) bool { return order[out[i].Name] < order[out[j].Name] })
	return out
}

// notReady says why the upstreams keep Liaison from doing its work: none
// is configured, or a configured one rejects its credentials. "" when they
// don't.
func notReady(states []UpstreamState) string {
	configured := 0
	for _, s := range states {
		if !s.Configured {
			continue
		}
		configured++
		if s.Authenticated != nil && !*s.Authenticated {
			return s.Name + " rejects the credentials: " + s.LastError
		}
	}
	if configured == 0 {
		return "no upstream is configured (connections.jira, connections.slack and connections.google are all off)"
	}
	return ""
}

// slackAuthCodes are Slack's error codes for a token it does not accept.
var slackAuthCodes = map[string]bool{
	"invalid_auth": true, "not_authed": true, "token_revoked": true, "token_expired": true,
	"account_inactive": true, "not_allowed_token_type": true,
}

// authRejected reports whether err says an upstream refused the
// credentials, as opposed to being down or refusing one request.
func authRejected(err error) bool {
	var se *slackconn.APIError
	if errors.As(err, &se) {
		return slackAuthCodes[se.Code]
	}
	var te *google.TokenError
	if errors.As(err, &te) {
		return te.Permanent()
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return ge.Code == http.StatusUnauthorized
	}
	return errors.Is(err, jira.ErrAuth) || errors.Is(err, googleads.ErrAuth)
}
