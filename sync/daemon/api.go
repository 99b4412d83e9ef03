package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

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

// mountAPI serves the silence API that `liaison silence` talks to while the
// daemon holds the store. It answers only callers on the loopback interface:
// the port also serves /metrics to the network, and a silence mutes alerts.
func (a *App) mountAPI(mux *http.ServeMux) {
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
		id, err := deliver.AddSilence(r.Context(), a.st, a.clock.Now(), store.Silence{
			Rule: req.Rule, ClientID: req.ClientID, SubjectID: req.SubjectID, FindingKey: req.FindingKey,
			EndsAt: req.EndsAt, CreatedBy: req.CreatedBy, Comment: req.Comment,
		})
		if err != nil {
			apiError(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"id": id})
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
}

func loopbackOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "this endpoint answers only on loopback"})
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
