package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/liaisonhq/liaison/sync/store"
)

// newMux serves the operational endpoints. Connectors that receive pushes
// (Jira and Slack webhooks) mount their handlers on the same mux later.
func (d *Daemon) newMux(gatherer prometheus.Gatherer) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := d.healthy(r.Context()); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "unhealthy:", err)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		rep := readiness{Status: "ready"}
		if app := d.app.Load(); app != nil {
			rep.Upstreams = app.Upstreams()
		}
		code := http.StatusOK
		if reason := d.notReadyReason(); reason != "" {
			rep.Status, rep.Reason, code = "not ready", reason, http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{
		ErrorLog:          slogPromLogger{d.log},
		Registry:          d.reg,
		EnableOpenMetrics: true,
	}))
	if d.Config().Server.Pprof {
		// The port also serves /metrics to the network; a profile shows
		// the process's insides, so only the host itself may ask.
		mux.Handle("/debug/pprof/", loopbackOnly(http.HandlerFunc(pprof.Index)))
		mux.Handle("/debug/pprof/cmdline", loopbackOnly(http.HandlerFunc(pprof.Cmdline)))
		mux.Handle("/debug/pprof/profile", loopbackOnly(http.HandlerFunc(pprof.Profile)))
		mux.Handle("/debug/pprof/symbol", loopbackOnly(http.HandlerFunc(pprof.Symbol)))
		mux.Handle("/debug/pprof/trace", loopbackOnly(http.HandlerFunc(pprof.Trace)))
	}
	return mux
}

// readiness is the body of /readyz.
type readiness struct {
	// Status is "ready" or "not ready".
	Status string `json:"status"`
	// Reason says why not, when not.
	Reason    string          `json:"reason,omitempty"`
	Upstreams []UpstreamState `json:"upstreams,omitempty"`
}

// healthy reports whether the process can do its work at all: the state
// store answers within a few seconds. A dead upstream is not unhealthy (a
// restart would not fix it); /readyz says so.
func (d *Daemon) healthy(ctx context.Context) error {
	app := d.app.Load()
	if app == nil {
		return nil // starting; the container's start period covers it
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := app.st.CountNotifications(ctx, store.NotifyPending); err != nil {
		return fmt.Errorf("state store not answering: %w", err)
	}
	return nil
}

// serveHTTP listens on addr and serves until ctx is done, then shuts down
// within the context given to shutdown.
type httpServer struct {
	srv *http.Server
	ln  net.Listener
}

func listen(addr string, h http.Handler) (*httpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	return &httpServer{
		ln: ln,
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       120 * time.Second,
		},
	}, nil
}

func (s *httpServer) addr() string { return s.ln.Addr().String() }

func (s *httpServer) serve() error {
	if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving http: %w", err)
	}
	return nil
}

func (s *httpServer) shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
		return fmt.Errorf("shutting down http server: %w", err)
	}
	return nil
}
