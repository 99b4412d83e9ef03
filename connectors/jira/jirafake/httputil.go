package jirafake

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// jiraTimeLayout is how Jira renders timestamps: millis and a colonless offset.
const jiraTimeLayout = "2006-01-02T15:04:05.000-0700"

// errorCollection is Jira's error body.
type errorCollection struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	b, err := appendJSON(make([]byte, 0, 4096), v)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func writeErrors(w http.ResponseWriter, status int, msgs []string, fields map[string]string) {
	if msgs == nil {
		msgs = []string{}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	writeJSON(w, status, errorCollection{ErrorMessages: msgs, Errors: fields})
}

func badRequest(w http.ResponseWriter, msg string) {
	writeErrors(w, http.StatusBadRequest, []string{msg}, nil)
}

func issueNotFound(w http.ResponseWriter) {
	writeErrors(w, http.StatusNotFound, []string{"Issue does not exist or you do not have permission to see it."}, nil)
}

func (f *Fake) baseURL(r *http.Request) string {
	if f.opts.BaseURL != "" {
		return strings.TrimRight(f.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// apiVersion is "2" or "3", from the request path.
func apiVersion(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/rest/api/2/") {
		return "2"
	}
	return "3"
}

func (f *Fake) fmtTime(t time.Time) string { return t.In(f.tz).Format(jiraTimeLayout) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// decodeBody decodes a JSON object, answering 400 like Jira when it is malformed.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 10<<20))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		badRequest(w, "Unexpected character or malformed JSON in the request body.")
		return false
	}
	return true
}

// checkParams rejects query parameters the endpoint does not know, which Jira
// does on search; elsewhere the fake is as strict to catch client typos.
func checkParams(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	for k := range r.URL.Query() {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			badRequest(w, "The query parameter '"+k+"' is not supported.")
			return false
		}
	}
	return true
}

func parseBoolParam(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "":
		return false, true
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// splitList flattens repeated and comma-separated parameter values.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// pageParams reads startAt/maxResults, answering 400 for non-numbers.
func pageParams(w http.ResponseWriter, r *http.Request, defaultMax int) (int, int, bool) {
	startAt, maxResults := 0, defaultMax
	for name, dst := range map[string]*int{"startAt": &startAt, "maxResults": &maxResults} {
		s := r.URL.Query().Get(name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			badRequest(w, "The value '"+s+"' is invalid for the '"+name+"' parameter.")
			return 0, 0, false
		}
		*dst = n
	}
	return startAt, maxResults, true
}

func parseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// parseJiraDuration reads Jira's time-tracking format ("1w 2d 3h 30m") with
// the default working time: a day is 8 hours and a week 5 days.
func parseJiraDuration(s string) (int64, error) {
	parts := strings.Fields(s)
	if len(parts) == 0 {
		return 0, errors.New("empty duration")
	}
	var total int64
	for _, p := range parts {
		if len(p) < 2 {
			return 0, errors.New("bad duration part " + p)
		}
		n, err := strconv.ParseInt(p[:len(p)-1], 10, 64)
		if err != nil || n < 0 {
			return 0, errors.New("bad duration part " + p)
		}
		unit := map[byte]int64{'w': 5 * 8 * 3600, 'd': 8 * 3600, 'h': 3600, 'm': 60}[p[len(p)-1]]
		if unit == 0 {
			return 0, errors.New("bad duration unit in " + p)
		}
		total += n * unit
	}
	return total, nil
}
