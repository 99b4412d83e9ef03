package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// SilenceRequest is the body of POST /api/v1/silences, as `liaison silence
// add` sends it.
type SilenceRequest struct {
	Rule       string    `json:"rule,omitempty"`
	ClientID   string    `json:"client,omitempty"`
	SubjectID  string    `json:"subject,omitempty"`
	FindingKey string    `json:"finding,omitempty"`
	EndsAt     time.Time `json:"ends_at"`
	CreatedBy  string    `json:"created_by,omitempty"`
	Comment    string    `json:"comment,omitempty"`
}

// SilenceCreated is the answer to POST /api/v1/silences.
type SilenceCreated struct {
	ID string `json:"id"`
	// Matches is how many open findings the silence mutes now.
	Matches int `json:"matches"`
}

// CheckSilence refuses a silence whose rule or client the config does not
// know, naming the nearest one that it does: a typo would otherwise mute
// nothing, silently. The error matches store.ErrInvalid.
func CheckSilence(cfg *configs.Config, req SilenceRequest) error {
	if req.Rule != "" && !slices.Contains(configs.RuleNames(), req.Rule) {
		return invalidRequest(fmt.Sprintf("-rule %q: no such rule%s (rules are %s)", req.Rule,
			field.DidYouMean(req.Rule, configs.RuleNames()), strings.Join(configs.RuleNames(), ", ")))
	}
	if req.ClientID != "" && cfg.Client(req.ClientID) == nil {
		ids := make([]string, 0, len(cfg.Clients))
		for _, c := range cfg.Clients {
			ids = append(ids, c.ID)
		}
		return invalidRequest(fmt.Sprintf("-client %q: no such client in the config%s", req.ClientID, field.DidYouMean(req.ClientID, ids)))
	}
	return nil
}

// invalidRequest is a request the config refutes; it matches
// store.ErrInvalid, so the API answers 400 and the CLI exits 2.
type invalidRequest string

func (e invalidRequest) Error() string        { return string(e) }
func (e invalidRequest) Is(target error) bool { return target == store.ErrInvalid }

// countMatching counts the open findings s mutes.
func countMatching(ctx context.Context, st store.Store, s store.Silence) (int, error) {
	fs, err := st.ListOpenFindings(ctx, store.FindingFilter{Rule: s.Rule, ClientID: s.ClientID})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range fs {
		if s.Matches(f) {
			n++
		}
	}
	return n, nil
}

// mountAPI serves the silence API that `liaison silence` talks to while the
// daemon holds the store, and the answer base's learned phrasings that
// `liaison faq learned` and `liaison faq forget` list and undo. It answers only callers on the loopback interface:
// the port also serves /metrics to the network, and a silence mutes alerts.
func (a *App) mountAPI(mux *http.ServeMux) {
	a.mountReadAPI(mux)
	mux.Handle("GET /api/v1/silences", loopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ss, err := deliver.ListSilences(r.Context(), a.st, a.clock.Now())
		if err != nil {
			apiError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, ss)
	})))
	mux.Handle("POST /api/v1/silences", loopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req SilenceRequest
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad request body: " + err.Error()})
			return
		}
		if err := CheckSilence(a.cfg(), req); err != nil {
			apiError(w, err)
			return
		}
		s := store.Silence{
			Rule: req.Rule, ClientID: req.ClientID, SubjectID: req.SubjectID, FindingKey: req.FindingKey,
			EndsAt: req.EndsAt, CreatedBy: req.CreatedBy, Comment: req.Comment,
		}
		id, err := deliver.AddSilence(r.Context(), a.st, a.clock.Now(), s)
		if err != nil {
			apiError(w, err)
			return
		}
		n, err := countMatching(r.Context(), a.st, s)
		if err != nil {
			a.log.Warn("counting the findings a new silence matches", "silence", id, "err", err)
		}
		writeJSON(w, http.StatusCreated, SilenceCreated{ID: id, Matches: n})
	})))
	mux.Handle("DELETE /api/v1/silences/{id}", loopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := r.URL.Query().Get("by")
		if actor == "" {
			actor = "cli"
		}
		if err := deliver.ExpireSilence(r.Context(), a.st, r.PathValue("id"), actor, a.clock.Now()); err != nil {
			apiError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	mux.Handle("GET /api/v1/faq/learned", loopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ls, err := a.faq.Learned(r.Context())
		if err != nil {
			apiError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, ls)
	})))
	mux.Handle("DELETE /api/v1/faq/learned/{id}", loopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("learned phrasing id %q: not a number", r.PathValue("id"))})
			return
		}
		actor := "cli"
		if by := r.URL.Query().Get("by"); by != "" {
			actor = "cli:" + by
		}
		if err := a.faq.Forget(r.Context(), id, actor); err != nil {
			apiError(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
}

// mountReadAPI serves what `liaison alerts list` and `liaison audit` read:
// the live notifications with what each waits for, and the audit log.
func (a *App) mountReadAPI(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/alerts", loopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		as, err := a.ListAlerts(r.Context(), deliver.AlertFilter{ClientID: q.Get("client"), Recipient: q.Get("person"), State: q.Get("state")})
		if err != nil {
			apiError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, as)
	})))
	mux.Handle("GET /api/v1/audit", loopbackOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var f store.AuditFilter
		if s := r.URL.Query().Get("since"); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "since: " + err.Error()})
				return
			}
			f.Since = t
		}
		es, err := a.st.ListAudit(r.Context(), f)
		if err != nil {
			apiError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, es)
	})))
}

// ListAlerts returns the live notifications matching f with what each
// waits for, read from the store.
func (a *App) ListAlerts(ctx context.Context, f deliver.AlertFilter) ([]deliver.Alert, error) {
	return deliver.ListAlerts(ctx, a.st, a.cfg(), a.clock.Now(), f)
}

func loopbackOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "the admin API answers only on loopback"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

func apiError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, store.ErrInvalid):
		code = http.StatusBadRequest
	case errors.Is(err, store.ErrNotFound):
		code = http.StatusNotFound
	}
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		fmt.Fprintln(w)
	}
}
