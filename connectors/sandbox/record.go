package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// Record is one line of a recording: an HTTP exchange between a client and
// one of the fakes, with credentials removed. Bodies are kept as text;
// bodies past maxRecordedBody are cut and marked truncated.
type Record struct {
	Time            time.Time         `json:"time"`
	Upstream        string            `json:"upstream"`
	Method          string            `json:"method"`
	Path            string            `json:"path"`
	Query           string            `json:"query,omitempty"`
	RequestHeaders  map[string]string `json:"request_headers,omitempty"`
	RequestBody     string            `json:"request_body,omitempty"`
	Status          int               `json:"status"`
	ResponseHeaders map[string]string `json:"response_headers,omitempty"`
	ResponseBody    string            `json:"response_body,omitempty"`
	// Websocket marks an upgrade: the connection was handed over to the
	// fake after the 101 and what flows on it is not recorded.
	Websocket bool `json:"websocket,omitempty"`
	Truncated bool `json:"truncated,omitempty"`
}

const (
	maxRecordedBody = 1 << 20
	redacted        = "<redacted>"
)

// secretFields are form fields, query parameters and JSON keys whose
// values are credentials in the APIs the fakes speak (Slack's token, OAuth's
// client_secret/refresh_token/access_token...).
var secretFields = map[string]bool{
	"token": true, "client_secret": true, "refresh_token": true, "access_token": true, "id_token": true,
	"api_token": true, "apitoken": true, "password": true, "assertion": true, "code": true,
}

// secretValueRE catches credentials by shape wherever they sit: Slack
// tokens and bearer/basic credentials.
var secretValueRE = regexp.MustCompile(`xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?i:bearer|basic) [A-Za-z0-9._~+/=-]+`)

// keptResponseHeaders are the response headers worth reading in a record.
var keptResponseHeaders = []string{"Content-Type", "Retry-After", "Location", "X-Slack-Req-Id", "X-Ratelimit-Remaining"}

// recorder writes Records to w, one JSON object per line, serialised.
type recorder struct {
	mu  sync.Mutex
	w   io.Writer
	clk clock.Clock
}

func newRecorder(w io.Writer, clk clock.Clock) *recorder { return &recorder{w: w, clk: clk} }

func (rc *recorder) write(r Record) {
	b, err := json.Marshal(r)
	if err != nil {
		return
	}
	b = append(b, '\n')
	rc.mu.Lock()
	defer rc.mu.Unlock()
	_, _ = rc.w.Write(b)
}

// wrap records every exchange h serves under upstream. Websocket upgrades
// are recorded when the 101 is written, without bodies, and the writer
// still hands the connection over (Unwrap reaches the server's Hijacker).
func (rc *recorder) wrap(upstream string, h http.Handler) http.Handler {
	if rc == nil || rc.w == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := Record{Time: rc.clk.Now().UTC(), Upstream: upstream, Method: r.Method, Path: r.URL.EscapedPath(),
			Query: redactQuery(r.URL.RawQuery), RequestHeaders: redactHeaders(r.Header)}
		upgrade := strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
		if !upgrade && r.Body != nil {
			body, _ := io.ReadAll(io.LimitReader(r.Body, maxRecordedBody+1))
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
			rec.RequestBody, rec.Truncated = redactBody(r.Header.Get("Content-Type"), body)
		}
		rw := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
		if upgrade {
			rec.Websocket = true
			rw.onUpgrade = func(status int) {
				rec.Status = status
				rec.ResponseHeaders = keepHeaders(w.Header())
				rc.write(rec)
			}
		}
		h.ServeHTTP(rw, r)
		if upgrade && rw.upgraded {
			return
		}
		rec.Status = rw.status
		rec.ResponseHeaders = keepHeaders(w.Header())
		body, cut := redactBody(w.Header().Get("Content-Type"), rw.body.Bytes())
		rec.ResponseBody, rec.Truncated = body, rec.Truncated || cut || rw.dropped
		rc.write(rec)
	})
}

// recordingWriter keeps the status and a copy of the body.
type recordingWriter struct {
	http.ResponseWriter
	status    int
	wrote     bool
	body      bytes.Buffer
	dropped   bool
	onUpgrade func(status int)
	upgraded  bool
}

func (w *recordingWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
		if code == http.StatusSwitchingProtocols && w.onUpgrade != nil {
			w.upgraded = true
			w.onUpgrade(code)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.wrote = true
	if room := maxRecordedBody - w.body.Len(); room > 0 {
		w.body.Write(p[:min(len(p), room)])
	}
	if w.body.Len() >= maxRecordedBody && len(p) > 0 {
		w.dropped = true
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController and websocket libraries reach the
// server's writer (Hijacker, Flusher).
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush forwards to the server's writer when it can flush.
func (w *recordingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack forwards to the server's writer, for libraries that type-assert
// http.Hijacker instead of unwrapping.
func (w *recordingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func redactHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k, vs := range h {
		lk := strings.ToLower(k)
		switch {
		case lk == "authorization" || lk == "proxy-authorization" || lk == "cookie" || lk == "set-cookie",
			strings.Contains(lk, "token"), strings.Contains(lk, "secret"), strings.Contains(lk, "signature"),
			strings.Contains(lk, "api-key"), strings.Contains(lk, "apikey"), lk == "sec-websocket-key":
			out[k] = redacted
		default:
			out[k] = secretValueRE.ReplaceAllString(strings.Join(vs, ", "), redacted)
		}
	}
	return out
}

func keepHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for _, k := range keptResponseHeaders {
		if v := h.Get(k); v != "" {
			out[k] = v
		}
	}
	return out
}

func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return secretValueRE.ReplaceAllString(raw, redacted)
	}
	return encodeRedacted(q)
}

// encodeRedacted encodes values in a stable order with secret fields
// replaced, so that a recording never holds a credential.
func encodeRedacted(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			if secretFields[strings.ToLower(k)] {
				v = redacted
			}
			b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(secretValueRE.ReplaceAllString(v, redacted)))
		}
	}
	return b.String()
}

// redactBody returns a body as text with credentials removed: form fields
// and top-level JSON keys named like secrets, and token-shaped values
// anywhere.
func redactBody(contentType string, body []byte) (string, bool) {
	cut := len(body) > maxRecordedBody
	if cut {
		body = body[:maxRecordedBody]
	}
	if len(body) == 0 {
		return "", cut
	}
	switch {
	case strings.HasPrefix(contentType, "application/x-www-form-urlencoded"):
		if q, err := url.ParseQuery(string(body)); err == nil {
			return encodeRedacted(q), cut
		}
	case strings.Contains(contentType, "json"):
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) == nil {
			changed := false
			for k := range m {
				if secretFields[strings.ToLower(k)] {
					m[k], changed = json.RawMessage(`"`+redacted+`"`), true
				}
			}
			if changed {
				if b, err := json.Marshal(m); err == nil {
					body = b
				}
			}
		}
	}
	return secretValueRE.ReplaceAllString(string(body), redacted), cut
}

// SlackArgs rebuilds a Slack Web API call's arguments from its record: the
// query string plus the form or JSON body, without the (already redacted)
// token. Spec checks of recordings use it.
func (r Record) SlackArgs() (url.Values, error) {
	args, err := url.ParseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	ct := r.RequestHeaders["Content-Type"]
	switch {
	case r.RequestBody == "":
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		form, err := url.ParseQuery(r.RequestBody)
		if err != nil {
			return nil, err
		}
		for k, v := range form {
			args[k] = append(args[k], v...)
		}
	case strings.HasPrefix(ct, "application/json"):
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.RequestBody), &obj); err != nil {
			return nil, err
		}
		for k, raw := range obj {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				args.Set(k, s)
			} else {
				args.Set(k, string(raw))
			}
		}
	}
	args.Del("token")
	return args, nil
}
