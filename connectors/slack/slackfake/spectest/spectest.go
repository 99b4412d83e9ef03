// Package spectest checks traffic with the Slack fake against Slack's own
// published specs (../shared/specs/slack next to the repository): Web API
// calls against the OpenAPI 2.0 document and Events API payloads against
// the event wrapper schemas. Tests outside package slackfake, such as the
// sandbox's, use it on what they recorded.
//
// The 2020 snapshot of Slack's specs has quirks that the checks tolerate by
// patching the loaded document in memory (the files stay untouched):
//
//  1. Unions are written as a tuple-form "items" array on non-array schemas
//     (objs_user, objs_conversation, tz, ...). JSON Schema ignores "items"
//     on non-arrays, so those schemas would check nothing; they are read as
//     "anyOf", which is what Slack meant.
//  2. objs_message (additionalProperties false) predates "edited",
//     "app_id" and "metadata", which Slack returns today; they are added.
//  3. Success and error schemas forbid extra properties, but Slack adds
//     "warning" and "response_metadata" (warnings, next_cursor) to any
//     answer, and "needed"/"provided" to missing_scope errors; these are
//     allowed everywhere.
//  4. conversations.history demands at least one message; an empty channel
//     answers an empty list, so minItems is dropped.
//  5. chat.update declares message.blocks as an object; Slack returns the
//     blocks array.
//  6. Error enums predate newer codes (ratelimited, invalid_blocks,
//     invalid_metadata_*, not_allowed_token_type, ...); those listed in
//     newerErrors are added per method.
//  7. Arguments newer than the snapshot (metadata, include_all_metadata,
//     ...) are listed in newerParams; the spec declares the token as a
//     header named "token", which is really the form field or Bearer
//     header, so token is checked by the auth tests instead. The spec's GET
//     for read methods is not enforced: Slack accepts POST for every method
//     and slack-go uses it.
//  8. apps.connections.open is not in the snapshot (Socket Mode came
//     later); its calls are not checked here.
//  9. conversations.replies describes parent and reply with narrow,
//     closed objects lacking blocks, client_msg_id, bot_id, edited...; they
//     are opened up (their required fields still apply) and objs_message is
//     accepted too, for a message without a thread.
//  10. The AsyncAPI "message" topic was generated from a message_deleted
//     example; message events are checked against the generic wrapper.
package spectest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ErrNoSpec means the specs are not where they are expected; tests skip.
var ErrNoSpec = errors.New("slack specs not found")

// call is one Web API call to check.
type call struct {
	Method   string
	Args     url.Values
	Response json.RawMessage
}

func eventID(payload []byte) string {
	var w struct {
		EventID string `json:"event_id"`
	}
	_ = json.Unmarshal(payload, &w)
	return w.EventID
}

var newerErrors = map[string][]string{
	"*":                     {"ratelimited", "not_allowed_token_type", "missing_scope", "token_revoked", "account_inactive", "invalid_auth", "not_authed", "fatal_error", "method_not_allowed", "invalid_json", "json_not_object"},
	"chat.postMessage":      {"invalid_blocks", "invalid_blocks_format", "invalid_metadata_format", "invalid_metadata_schema", "metadata_too_large", "invalid_attachments", "thread_not_found"},
	"chat.update":           {"invalid_blocks", "invalid_blocks_format", "invalid_metadata_format", "invalid_metadata_schema", "metadata_too_large", "invalid_attachments"},
	"chat.postEphemeral":    {"invalid_blocks", "invalid_blocks_format", "user_not_found", "not_in_channel", "thread_not_found", "invalid_attachments"},
	"conversations.history": {"not_in_channel", "invalid_cursor", "invalid_limit"},
	"conversations.replies": {"not_in_channel", "invalid_cursor", "invalid_limit"},
	"reactions.add":         {"channel_not_found"},
	"users.conversations":   {"user_not_found"},
}

var newerParams = map[string][]string{
	"chat.postMessage":      {"metadata"},
	"chat.update":           {"metadata", "reply_broadcast", "file_ids"},
	"chat.postEphemeral":    {"metadata"},
	"conversations.history": {"include_all_metadata"},
	"conversations.replies": {"include_all_metadata"},
	"conversations.open":    {"prevent_creation"},
	"users.conversations":   {"team_id"},
}

// Spec is Slack's Web API and Events API specs, patched for the quirks
// listed in the package comment. It is safe for concurrent use.
type Spec struct {
	doc    map[string]any
	events *jsonschema.Schema
	common *jsonschema.Schema
	mu     sync.Mutex
	comp   *jsonschema.Compiler
	cache  map[string]*jsonschema.Schema
}

// Load reads the specs from ../shared/specs/slack beside the module root
// above the working directory. ErrNoSpec means they are not there.
func Load() (*Spec, error) {
	dir, err := specDir()
	if err != nil {
		return nil, err
	}
	web, err := readJSON(filepath.Join(dir, "web-api", "slack_web_openapi_v2_without_examples.json"))
	if err != nil {
		return nil, err
	}
	patchWebSpec(web)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	if err := c.AddResource("mem://slack-web.json", web); err != nil {
		return nil, fmt.Errorf("adding web spec: %w", err)
	}
	async, err := readJSON(filepath.Join(dir, "events-api", "slack_events_api_async_v1.json"))
	if err != nil {
		return nil, err
	}
	common, err := readJSON(filepath.Join(dir, "events-api", "slack_common_event_wrapper_schema.json"))
	if err != nil {
		return nil, err
	}
	ec := jsonschema.NewCompiler()
	ec.DefaultDraft(jsonschema.Draft7)
	if err := ec.AddResource("mem://events.json", async); err != nil {
		return nil, err
	}
	if err := ec.AddResource("mem://common.json", common); err != nil {
		return nil, err
	}
	evs, err := ec.Compile("mem://events.json#/components/schemas/GenericEventWrapper")
	if err != nil {
		return nil, fmt.Errorf("compiling event wrapper: %w", err)
	}
	cs, err := ec.Compile("mem://common.json")
	if err != nil {
		return nil, fmt.Errorf("compiling common wrapper: %w", err)
	}
	return &Spec{doc: web, events: evs, common: cs, comp: c, cache: map[string]*jsonschema.Schema{}}, nil
}

func specDir() (string, error) {
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
	spec := filepath.Join(dir, "..", "shared", "specs", "slack")
	if _, err := os.Stat(spec); err != nil {
		return "", fmt.Errorf("%w at %s", ErrNoSpec, spec)
	}
	return spec, nil
}

func readJSON(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not an object", path)
	}
	return m, nil
}

func patchWebSpec(doc map[string]any) {
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if items, ok := x["items"].([]any); ok && x["type"] != "array" {
				delete(x, "items")
				x["anyOf"] = items
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	defs := doc["definitions"].(map[string]any)
	msgProps := defs["objs_message"].(map[string]any)["properties"].(map[string]any)
	msgProps["edited"] = map[string]any{"type": "object", "required": []any{"user", "ts"}}
	msgProps["app_id"] = map[string]any{"$ref": "#/definitions/defs_app_id"}
	msgProps["metadata"] = map[string]any{"type": "object", "required": []any{"event_type", "event_payload"},
		"properties": map[string]any{"event_type": map[string]any{"type": "string"}, "event_payload": map[string]any{"type": "object"}}}
	for path, ops := range doc["paths"].(map[string]any) {
		method := strings.TrimPrefix(path, "/")
		for _, op := range ops.(map[string]any) {
			resps := op.(map[string]any)["responses"].(map[string]any)
			for code, r := range resps {
				sch, ok := r.(map[string]any)["schema"].(map[string]any)
				if !ok {
					continue
				}
				props, ok := sch["properties"].(map[string]any)
				if !ok {
					continue
				}
				props["warning"] = map[string]any{"type": "string"}
				if _, has := props["response_metadata"]; !has {
					props["response_metadata"] = map[string]any{"type": "object"}
				}
				if code == "default" {
					props["needed"] = map[string]any{"type": "string"}
					props["provided"] = map[string]any{"type": "string"}
					if e, ok := props["error"].(map[string]any); ok {
						if enum, ok := e["enum"].([]any); ok {
							for _, extra := range append(slices.Clone(newerErrors["*"]), newerErrors[method]...) {
								if !slices.Contains(enum, any(extra)) {
									enum = append(enum, extra)
								}
							}
							e["enum"] = enum
						}
					}
					continue
				}
				switch method {
				case "conversations.history":
					delete(props["messages"].(map[string]any), "minItems")
				case "conversations.replies":
					items := props["messages"].(map[string]any)["items"].(map[string]any)
					alts := items["anyOf"].([]any)
					for _, a := range alts {
						a.(map[string]any)["additionalProperties"] = true
					}
					items["anyOf"] = append(alts, map[string]any{"$ref": "#/definitions/objs_message"})
				case "chat.update":
					m := props["message"].(map[string]any)["properties"].(map[string]any)
					m["blocks"] = map[string]any{"type": "array"}
				}
			}
		}
	}
}

func (sp *Spec) operation(method string) (map[string]any, bool) {
	ops, ok := sp.doc["paths"].(map[string]any)["/"+method].(map[string]any)
	if !ok {
		return nil, false
	}
	for _, op := range ops {
		return op.(map[string]any), true
	}
	return nil, false
}

func (sp *Spec) responseSchema(method, code string) (*jsonschema.Schema, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	key := method + " " + code
	if s, ok := sp.cache[key]; ok {
		return s, nil
	}
	var verb string
	for v := range sp.doc["paths"].(map[string]any)["/"+method].(map[string]any) {
		verb = v
	}
	loc := fmt.Sprintf("mem://slack-web.json#/paths/~1%s/%s/responses/%s/schema", method, verb, code)
	s, err := sp.comp.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", loc, err)
	}
	sp.cache[key] = s
	return s, nil
}

// CheckCall returns the ways one Web API call departs from the spec:
// method is the Web API method ("chat.postMessage"), args its arguments
// without the token (form, query or JSON body fields, non-strings as raw
// JSON) and response the JSON answer. Methods the 2020 snapshot lacks
// (apps.connections.open) are not checked.
func (sp *Spec) CheckCall(method string, args url.Values, response []byte) []string {
	c := call{Method: method, Args: args, Response: response}
	op, ok := sp.operation(c.Method)
	if !ok {
		return nil
	}
	var probs []string
	declared := map[string]string{}
	var required []string
	for _, p := range op["parameters"].([]any) {
		pm := p.(map[string]any)
		name := pm["name"].(string)
		if name == "token" {
			continue
		}
		typ, _ := pm["type"].(string)
		declared[name] = typ
		if req, _ := pm["required"].(bool); req {
			required = append(required, name)
		}
	}
	for name, vals := range c.Args {
		typ, ok := declared[name]
		if !ok {
			if !slices.Contains(newerParams[c.Method], name) {
				probs = append(probs, fmt.Sprintf("%s: argument %q is not in the spec", c.Method, name))
			}
			continue
		}
		for _, v := range vals {
			if !valueHasType(v, typ) {
				probs = append(probs, fmt.Sprintf("%s: argument %s=%q is not a %s", c.Method, name, v, typ))
			}
		}
	}
	var resp map[string]any
	if err := json.Unmarshal(c.Response, &resp); err != nil {
		return append(probs, fmt.Sprintf("%s: response is not a JSON object: %v", c.Method, err))
	}
	code := "default"
	if resp["ok"] == true {
		code = "200"
		for _, r := range required {
			if !c.Args.Has(r) {
				probs = append(probs, fmt.Sprintf("%s: succeeded without required argument %s", c.Method, r))
			}
		}
	}
	sch, err := sp.responseSchema(c.Method, code)
	if err != nil {
		return append(probs, err.Error())
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(c.Response))
	if err != nil {
		return append(probs, err.Error())
	}
	if err := sch.Validate(inst); err != nil {
		probs = append(probs, fmt.Sprintf("%s response %s: %v", c.Method, c.Response, err))
	}
	return probs
}

func valueHasType(v, typ string) bool {
	switch typ {
	case "boolean":
		return v == "true" || v == "false" || v == "1" || v == "0"
	case "integer":
		_, err := strconv.Atoi(v)
		return err == nil
	case "number":
		_, err := strconv.ParseFloat(v, 64)
		return err == nil
	default:
		return true
	}
}

// CheckEvent returns the ways an Events API payload (the event_callback
// wrapper) departs from the wrapper schemas.
func (sp *Spec) CheckEvent(payload []byte) []string {
	d := struct{ ID string }{ID: eventID(payload)}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
	if err != nil {
		return []string{err.Error()}
	}
	var probs []string
	if err := sp.events.Validate(inst); err != nil {
		probs = append(probs, fmt.Sprintf("event %s vs GenericEventWrapper: %v", d.ID, err))
	}
	if err := sp.common.Validate(inst); err != nil {
		probs = append(probs, fmt.Sprintf("event %s vs common wrapper: %v", d.ID, err))
	}
	return probs
}

// Scopes returns the OAuth scopes the Web API spec lists for method (such
// as "chat.postMessage"), any one of which allows the call; nil when the
// spec does not know the method. "none" means no scope is needed.
func (s *Spec) Scopes(method string) []string {
	paths, _ := s.doc["paths"].(map[string]any)
	ops, _ := paths["/"+method].(map[string]any)
	var out []string
	for _, op := range ops {
		sec, _ := op.(map[string]any)["security"].([]any)
		for _, req := range sec {
			m, _ := req.(map[string]any)
			for _, scopes := range m {
				list, _ := scopes.([]any)
				for _, sc := range list {
					if str, ok := sc.(string); ok {
						out = append(out, str)
					}
				}
			}
		}
	}
	return out
}
