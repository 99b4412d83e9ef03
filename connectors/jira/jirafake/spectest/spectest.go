// Package spectest checks HTTP exchanges with the Jira fake against
// Atlassian's own OpenAPI document (../shared/specs/jira next to the
// repository), for tests outside package jirafake such as the sandbox's.
// It applies the same tolerances as jirafake's spec test, each for a
// documented quirk of the spec where Jira Cloud answers otherwise.
package spectest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// ErrNoSpec means the spec file is not where it is expected; tests skip.
var ErrNoSpec = errors.New("jira spec not found")

// SpecPath finds ../shared/specs/jira/jira-platform.v3.json beside the
// module root above the working directory.
func SpecPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w: no go.mod above the working directory", ErrNoSpec)
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "specs", "jira", "jira-platform.v3.json")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%w at %s", ErrNoSpec, p)
	}
	return p, nil
}

// Validator checks requests and responses against the spec. It is safe for
// concurrent use once loaded.
type Validator struct {
	router routers.Router
	opts   []openapi3.SchemaValidationOption
}

// Load reads the spec (a few seconds: the document is 2.4 MB) and builds a
// validator for a server at serverURL, such as a fake's base URL.
func Load(serverURL string) (*Validator, error) {
	path, err := SpecPath()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	if err := tolerateNullFields(doc); err != nil {
		return nil, err
	}
	doc.Servers = openapi3.Servers{{URL: serverURL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("building router: %w", err)
	}
	return &Validator{router: router, opts: []openapi3.SchemaValidationOption{
		openapi3.EnableFormatValidation(),
		openapi3.WithStringFormatValidator("date-time", jiraDateTimeValidator{}),
	}}, nil
}

// statusNotInSpec lists operations whose status is not checked. Spec quirk:
// the removed /search still documents 200/400/401; Jira Cloud answers 410.
var statusNotInSpec = map[string]bool{"GET /rest/api/3/search": true, "POST /rest/api/3/search": true}

// Check validates one exchange: req (its body is reqBody) and the answer
// (status, header, body). An error lists every departure from the spec; a
// path the spec does not have is an error too.
func (v *Validator) Check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	ctx := context.Background()
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("%s %s: no route in the spec: %w", req.Method, req.URL.Path, err)
	}
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true, SchemaValidationOptions: v.opts}}
	var errs []error
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		errs = append(errs, fmt.Errorf("request does not conform: %w", err))
	}
	opName := req.Method + " " + route.Path
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: !statusNotInSpec[opName], MultiError: true, SchemaValidationOptions: v.opts,
			ExcludeResponseBody: len(body) == 0 && documentsAnyBody(route.Operation, status)}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		errs = append(errs, fmt.Errorf("response %d does not conform: %w", status, err))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, errors.Join(errs...))
	}
	return nil
}

// jiraDateTime accepts Jira's timestamps. Spec quirk: the document declares
// format date-time (RFC 3339), but Jira Cloud sends
// "2026-11-27T10:13:42.000+0000" with a colonless offset.
var jiraDateTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$`)

type jiraDateTimeValidator struct{}

func (jiraDateTimeValidator) Validate(s string) error {
	if !jiraDateTime.MatchString(s) {
		return fmt.Errorf("%q is not a Jira timestamp", s)
	}
	return nil
}

// tolerateNullFields works around a spec quirk: IssueBean.fields is
// declared as a map of {} schemas, which OpenAPI 3.0 reads as "not null",
// yet Jira returns null for every unset field.
func tolerateNullFields(doc *openapi3.T) error {
	bean := doc.Components.Schemas["IssueBean"]
	if bean == nil || bean.Value.Properties["fields"] == nil || bean.Value.Properties["fields"].Value.AdditionalProperties.Schema == nil {
		return errors.New("spec changed: IssueBean.fields.additionalProperties not found; revisit tolerateNullFields")
	}
	bean.Value.Properties["fields"].Value.AdditionalProperties.Schema.Value.Nullable = true
	return nil
}

// documentsAnyBody reports a response whose only content is a schema-less
// application/json. Spec quirk: Jira documents 204 (edit, transition) and
// 200/201 (set property) that way but sends no body.
func documentsAnyBody(op *openapi3.Operation, status int) bool {
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return false
	}
	for _, mt := range ref.Value.Content {
		if mt.Schema == nil || mt.Schema.Value == nil {
			continue
		}
		sc := mt.Schema.Value
		if sc.Type != nil && len(*sc.Type) > 0 || len(sc.Properties) > 0 || sc.Items != nil || len(sc.AllOf) > 0 {
			return false
		}
	}
	return true
}
