// Package recordcheck validates a sandbox recording (`liaison sandbox
// -record FILE`) against the vendors' own specifications in
// ../shared/specs: every Jira v3 exchange against Atlassian's OpenAPI
// document, every Slack Web API call against Slack's, and every Sheets and
// Drive exchange against Google's discovery documents. It is what proves
// that the traffic Liaison really makes — not just what a test wrote by
// hand — is traffic the real services would accept.
package recordcheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/connectors/google/discoverytest"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake/spectest"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	slackspec "github.com/liaisonhq/liaison/connectors/slack/slackfake/spectest"
)

// ErrNoSpec is returned when the vendors' specifications are not next to
// the repository; callers skip then.
var ErrNoSpec = errors.New("vendor specifications not found")

// Result counts what was checked and lists what broke the specs.
type Result struct {
	Jira, Slack int // exchanges checked
	Google      int // Sheets and Drive exchanges checked
	// Skipped are records the specs do not cover: go-jira's /rest/api/2
	// twins, Socket Mode upgrades, the sandbox's own routes.
	Skipped  int
	Problems []string
}

// Read parses a recording, one JSON record a line, strictly.
func Read(r io.Reader) ([]sandbox.Record, error) {
	var out []sandbox.Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var rec sandbox.Record
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("recording line %d: %w", n, err)
		}
		out = append(out, rec)
	}
	return out, sc.Err()
}

// Check validates records made against the sandbox at baseURL.
func Check(baseURL string, records []sandbox.Record) (Result, error) {
	var res Result
	slack, err := slackspec.Load()
	if errors.Is(err, slackspec.ErrNoSpec) {
		return res, fmt.Errorf("%w: %v", ErrNoSpec, err)
	}
	if err != nil {
		return res, err
	}
	jira, err := spectest.Load(baseURL)
	if errors.Is(err, spectest.ErrNoSpec) {
		return res, fmt.Errorf("%w: %v", ErrNoSpec, err)
	}
	if err != nil {
		return res, err
	}
	// The Google documents are optional: without them the Google
	// exchanges count as skipped.
	sheetsDoc, _ := discoverytest.LoadSpec("google/sheets/v4/sheets-api.json")
	driveDoc, _ := discoverytest.LoadSpec("google/drive/v3/drive-api.json")
	for _, r := range records {
		switch {
		case (r.Upstream == "sheets" && sheetsDoc != nil || r.Upstream == "drive" && driveDoc != nil) && !strings.HasPrefix(r.Path, "/_fake/"):
			doc := sheetsDoc
			if r.Upstream == "drive" {
				doc = driveDoc
			}
			res.Google++
			res.Problems = append(res.Problems, checkGoogle(doc, r)...)
		case r.Upstream == "jira" && strings.HasPrefix(r.Path, "/rest/api/3/"):
			res.Jira++
			u := baseURL + r.Path
			if r.Query != "" {
				u += "?" + r.Query
			}
			req, err := http.NewRequest(r.Method, u, nil)
			if err != nil {
				return res, err
			}
			for k, v := range r.RequestHeaders {
				req.Header.Set(k, v)
			}
			h := http.Header{}
			for k, v := range r.ResponseHeaders {
				h.Set(k, v)
			}
			if err := jira.Check(req, []byte(r.RequestBody), r.Status, h, []byte(r.ResponseBody)); err != nil {
				res.Problems = append(res.Problems, fmt.Sprintf("jira %s %s: %v", r.Method, r.Path, err))
			}
		case r.Upstream == "slack" && strings.HasPrefix(r.Path, "/api/") && !r.Websocket:
			res.Slack++
			args, err := r.SlackArgs()
			if err != nil {
				res.Problems = append(res.Problems, fmt.Sprintf("slack %s: %v", r.Path, err))
				continue
			}
			for _, p := range slack.CheckCall(strings.TrimPrefix(r.Path, "/api/"), args, []byte(r.ResponseBody)) {
				res.Problems = append(res.Problems, fmt.Sprintf("slack %s: %s", r.Path, p))
			}
		default:
			res.Skipped++
		}
	}
	return res, nil
}

// CheckGoogle validates only the Sheets and Drive exchanges of records,
// against the discovery documents; ErrNoSpec when they are missing.
func CheckGoogle(records []sandbox.Record) (Result, error) {
	var res Result
	sheetsDoc, err := discoverytest.LoadSpec("google/sheets/v4/sheets-api.json")
	if err != nil {
		return res, fmt.Errorf("%w: %v", ErrNoSpec, err)
	}
	driveDoc, err := discoverytest.LoadSpec("google/drive/v3/drive-api.json")
	if err != nil {
		return res, fmt.Errorf("%w: %v", ErrNoSpec, err)
	}
	for _, r := range records {
		switch {
		case strings.HasPrefix(r.Path, "/_fake/"):
			res.Skipped++
		case r.Upstream == "sheets":
			res.Google++
			res.Problems = append(res.Problems, checkGoogle(sheetsDoc, r)...)
		case r.Upstream == "drive":
			res.Google++
			res.Problems = append(res.Problems, checkGoogle(driveDoc, r)...)
		default:
			res.Skipped++
		}
	}
	return res, nil
}

// checkGoogle checks one exchange against a discovery document: the
// method at that path, its query parameters, and the bodies' schemas.
func checkGoogle(doc *discoverytest.Doc, r sandbox.Record) []string {
	id := doc.MethodFor(r.Method, r.Path)
	if id == "" {
		return []string{fmt.Sprintf("%s %s %s: no such method", r.Upstream, r.Method, r.Path)}
	}
	var out []string
	m, _ := doc.Method(id)
	q, err := url.ParseQuery(r.Query)
	if err != nil {
		out = append(out, fmt.Sprintf("%s: query %q: %v", id, r.Query, err))
	}
	for k := range q {
		if !slices.Contains(m.Query, k) {
			out = append(out, fmt.Sprintf("%s: parameter %q is not in the document", id, k))
		}
	}
	if r.RequestBody != "" {
		for _, p := range doc.CheckRequest(id, []byte(r.RequestBody)) {
			out = append(out, fmt.Sprintf("%s request: %s", id, p))
		}
	}
	if r.Status == http.StatusOK && !r.Truncated {
		for _, p := range doc.CheckResponse(id, []byte(r.ResponseBody)) {
			out = append(out, fmt.Sprintf("%s response: %s", id, p))
		}
	}
	return out
}
