package jira

import (
	"net/http"
	"sync"

	"github.com/liaisonhq/liaison/connectors/httpx"
)

// pacer keeps the client under Jira Cloud's burst limits, which apply per
// endpoint and HTTP method for the whole site: a bucket per route holding
// one second's worth, refilled at the configured rate (half of it for PUT
// and DELETE, as Jira documents). Waiting for a token costs nothing
// upstream; a 429 costs a request and Retry-After's whole seconds.
type pacer struct {
	perSecond float64 // GET and POST; ≤ 0 disables pacing

	mu     sync.Mutex
	routes map[string]*httpx.Pacer
}

func newPacer(perSecond float64) *pacer {
	return &pacer{perSecond: perSecond, routes: map[string]*httpx.Pacer{}}
}

// route returns the pacer of route (method and pattern, as in metrics);
// nil, which does not wait, when pacing is off.
func (p *pacer) route(method, route string) *httpx.Pacer {
	if p.perSecond <= 0 {
		return nil
	}
	p.mu.Lock()
	rp, ok := p.routes[route]
	if !ok {
		r := p.perSecond
		if method == http.MethodPut || method == http.MethodDelete {
			r /= 2
		}
		rp = httpx.NewPacer(r, max(1, int(r)))
		p.routes[route] = rp
	}
	p.mu.Unlock()
	return rp
}
