package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Call is one Web API request as the fake received it. The token is never
// kept: TokenSource says only where it came from.
type Call struct {
	Method      string
	HTTPMethod  string
	ContentType string
	// Args are the method arguments (form, query or JSON body), without
	// the token. JSON values that are not strings are kept as raw JSON.
	Args url.Values
	// JSON is true when the arguments came from a JSON body.
	JSON        bool
	TokenSource string
	Status      int
	Error       string
	Response    json.RawMessage
	At          time.Time
}

// apiError is a Slack error answer: HTTP 200 with ok=false unless status
// says otherwise.
type apiError struct {
	code   string
	status int
	extra  map[string]any
	header http.Header
}

func (e *apiError) Error() string { return e.code }

func errCode(code string) *apiError { return &apiError{code: code} }

// request is a parsed Web API call.
type request struct {
	method      string
	httpMethod  string
	contentType string
	args        url.Values
	isJSON      bool
	token       string
	tokenSource string
	warnings    []string
}

func (r *request) arg(name string) string { return r.args.Get(name) }

func (r *request) boolArg(name string) bool {
	v := strings.ToLower(r.args.Get(name))
	return v == "true" || v == "1"
}

// intArg parses an integer argument, returning def when it is absent.
func (r *request) intArg(name string, def int) (int, *apiError) {
	v := r.args.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errCode("invalid_arguments")
	}
	return n, nil
}

type handlerFunc func(s *Server, r *request) (map[string]any, []outbound, *apiError)

// methodSpec describes how Slack treats one Web API method.
type methodSpec struct {
	handler handlerFunc
	// get is true when Slack serves the method over GET with a query string.
	get bool
	// json is true when Slack reads arguments from a JSON body.
	json bool
	// appToken is true for methods that take an xapp- token instead of xoxb-.
	appToken bool
	scope    string
	tier     Tier
	// perChannel rate-limits each channel separately (chat.postMessage).
	perChannel bool
	// params lists the arguments the method knows besides token.
	params []string
}

func methods() map[string]methodSpec {
	chatParams := []string{"channel", "text", "blocks", "attachments", "thread_ts", "reply_broadcast", "metadata",
		"as_user", "icon_emoji", "icon_url", "link_names", "mrkdwn", "parse", "unfurl_links", "unfurl_media", "username"}
	return map[string]methodSpec{
		"auth.test":          {handler: (*Server).authTest, get: true, json: false, tier: TierSpecial},
		"chat.postMessage":   {handler: (*Server).chatPostMessage, json: true, scope: "chat:write", tier: TierPostMessage, perChannel: true, params: chatParams},
		"chat.update":        {handler: (*Server).chatUpdate, json: true, scope: "chat:write", tier: Tier3, params: []string{"channel", "ts", "text", "blocks", "attachments", "metadata", "as_user", "link_names", "parse", "reply_broadcast", "file_ids"}},
		"chat.postEphemeral": {handler: (*Server).chatPostEphemeral, json: true, scope: "chat:write", tier: Tier4, params: append(slices.Clone(chatParams), "user")},
		"chat.getPermalink":  {handler: (*Server).chatGetPermalink, get: true, tier: TierSpecial, params: []string{"channel", "message_ts"}},
		"conversations.open": {handler: (*Server).conversationsOpen, json: true, scope: "im:write", tier: Tier3, params: []string{"channel", "users", "return_im", "prevent_creation"}},
		"conversations.info": {handler: (*Server).conversationsInfo, get: true, scope: "channels:read", tier: Tier3, params: []string{"channel", "include_locale", "include_num_members"}},
		"conversations.history": {handler: (*Server).conversationsHistory, get: true, scope: "channels:history", tier: Tier3,
			params: []string{"channel", "cursor", "limit", "oldest", "latest", "inclusive", "include_all_metadata"}},
		"conversations.replies": {handler: (*Server).conversationsReplies, get: true, scope: "channels:history", tier: Tier3,
			params: []string{"channel", "ts", "cursor", "limit", "oldest", "latest", "inclusive", "include_all_metadata"}},
		"conversations.members": {handler: (*Server).conversationsMembers, get: true, scope: "channels:read", tier: Tier4, params: []string{"channel", "cursor", "limit"}},
		"users.info":            {handler: (*Server).usersInfo, get: true, scope: "users:read", tier: Tier4, params: []string{"user", "include_locale"}},
		"users.conversations": {handler: (*Server).usersConversations, get: true, scope: "channels:read", tier: Tier3,
			params: []string{"user", "types", "exclude_archived", "limit", "cursor", "team_id"}},
		"reactions.add":         {handler: (*Server).reactionsAdd, json: true, scope: "reactions:write", tier: Tier3, params: []string{"channel", "name", "timestamp"}},
		"apps.connections.open": {handler: (*Server).appsConnectionsOpen, json: true, appToken: true, scope: "connections:write", tier: Tier1},
	}
}

// allScopes is what the bot token holds when Options.Scopes is nil.
var allScopes = []string{"chat:write", "im:write", "channels:read", "channels:history", "groups:read",
	"groups:history", "im:history", "mpim:history", "users:read", "reactions:write", "reactions:read",
	"connections:write"}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.baseURL == "http://slack.invalid" && r.Host != "" {
		s.baseURL = "http://" + r.Host
	}
	s.mu.Unlock()

	name := strings.TrimPrefix(r.URL.Path, "/api/")
	spec, ok := methods()[name]
	if !ok {
		s.writeAPI(w, &request{method: name, httpMethod: r.Method}, nil, &apiError{code: "unknown_method", status: http.StatusNotFound, extra: map[string]any{"req_method": name}})
		return
	}
	req, aerr := parseRequest(r, name, spec)
	if aerr == nil {
		aerr = s.authorize(req, spec)
	}
	if aerr == nil {
		aerr = s.limiter.admit(req, spec)
	}
	if aerr != nil {
		s.writeAPI(w, req, nil, aerr)
		return
	}
	s.mu.Lock()
	body, events, aerr := spec.handler(s, req)
	s.mu.Unlock()
	s.writeAPI(w, req, body, aerr)
	if aerr == nil {
		s.dispatch(events)
	}
}

func parseRequest(r *http.Request, name string, spec methodSpec) (*request, *apiError) {
	req := &request{method: name, httpMethod: r.Method, contentType: r.Header.Get("Content-Type"), args: url.Values{}}
	switch r.Method {
	case http.MethodPost:
	case http.MethodGet:
		if !spec.get {
			// The fake refuses GET for writes so that a client that reads
			// with the wrong verb is noticed; Slack documents them as POST.
			return req, &apiError{code: "method_not_allowed", status: http.StatusMethodNotAllowed}
		}
	default:
		return req, &apiError{code: "method_not_allowed", status: http.StatusMethodNotAllowed}
	}
	for k, v := range r.URL.Query() {
		req.args[k] = v
	}
	mediaType, params, _ := mime.ParseMediaType(req.contentType)
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return req, errCode("request_timeout")
	}
	switch {
	case r.Method == http.MethodGet || len(bytes.TrimSpace(body)) == 0:
		if mediaType == "application/json" && params["charset"] == "" {
			req.warnings = append(req.warnings, "missing_charset")
		}
	case mediaType == "application/x-www-form-urlencoded" || mediaType == "":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return req, errCode("invalid_form_data")
		}
		for k, v := range form {
			req.args[k] = v
		}
	case mediaType == "multipart/form-data":
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return req, errCode("invalid_form_data")
		}
		for k, v := range r.MultipartForm.Value {
			req.args[k] = v
		}
	case mediaType == "application/json":
		if params["charset"] == "" {
			req.warnings = append(req.warnings, "missing_charset")
		}
		if !spec.json {
			// Slack reads JSON bodies only for methods that accept them and
			// silently ignores the body elsewhere: the arguments are missing.
			break
		}
		req.isJSON = true
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			var anyv any
			if json.Unmarshal(body, &anyv) == nil {
				return req, errCode("json_not_object")
			}
			return req, errCode("invalid_json")
		}
		for k, raw := range obj {
			if k == "token" {
				// A token inside a JSON body is not read: JSON needs Bearer.
				continue
			}
			var str string
			if json.Unmarshal(raw, &str) == nil {
				req.args.Set(k, str)
				continue
			}
			req.args.Set(k, string(raw))
		}
	default:
		return req, errCode("invalid_post_type")
	}
	if h := r.Header.Get("Authorization"); h != "" {
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
			req.token, req.tokenSource = strings.TrimSpace(tok), "bearer"
		}
	}
	if req.token == "" && req.args.Get("token") != "" {
		req.token, req.tokenSource = req.args.Get("token"), "form"
	}
	req.args.Del("token")
	return req, nil
}

func (s *Server) authorize(req *request, spec methodSpec) *apiError {
	if req.token == "" {
		return errCode("not_authed")
	}
	s.mu.Lock()
	ts := s.st.tokens[req.token]
	s.mu.Unlock()
	switch ts {
	case tokenInactive:
		return errCode("account_inactive")
	case tokenRevoked:
		return errCode("token_revoked")
	}
	switch req.token {
	case s.opts.AppToken:
		if !spec.appToken {
			return errCode("not_allowed_token_type")
		}
		return nil
	case s.opts.BotToken:
		if spec.appToken {
			return errCode("not_allowed_token_type")
		}
	default:
		return errCode("invalid_auth")
	}
	if spec.scope != "" {
		granted := s.opts.Scopes
		if granted == nil {
			granted = allScopes
		}
		if !slices.Contains(granted, spec.scope) {
			return &apiError{code: "missing_scope", extra: map[string]any{"needed": spec.scope, "provided": strings.Join(granted, ",")}}
		}
	}
	return nil
}

func (s *Server) writeAPI(w http.ResponseWriter, req *request, body map[string]any, aerr *apiError) {
	status := http.StatusOK
	if aerr != nil {
		body = map[string]any{"ok": false, "error": aerr.code}
		for k, v := range aerr.extra {
			body[k] = v
		}
		if aerr.status != 0 {
			status = aerr.status
		}
		for k, v := range aerr.header {
			w.Header()[k] = v
		}
	} else {
		body["ok"] = true
	}
	if len(req.warnings) > 0 && status == http.StatusOK {
		body["warning"] = strings.Join(req.warnings, ",")
		rm, _ := body["response_metadata"].(map[string]any)
		if rm == nil {
			rm = map[string]any{}
		}
		rm["warnings"] = req.warnings
		msgs := []string{}
		for _, wn := range req.warnings {
			if wn == "missing_charset" {
				msgs = append(msgs, "[WARN] A Content-Type HTTP header was presented but did not declare a charset, such as a 'utf-8'")
			}
		}
		rm["messages"] = msgs
		body["response_metadata"] = rm
	}
	raw, err := json.Marshal(body)
	if err != nil {
		s.log.Error("slackfake: encoding response", "method", req.method, "err", err)
		raw = []byte(`{"ok":false,"error":"fatal_error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if aerr == nil || aerr.status == 0 {
		w.Header().Set("X-Accepted-OAuth-Scopes", methods()[req.method].scope)
	}
	// Recorded before the answer leaves, so that a client holding the
	// answer always finds its call in Calls and CallCount.
	call := Call{Method: req.method, HTTPMethod: req.httpMethod, ContentType: req.contentType,
		Args: req.args, JSON: req.isJSON, TokenSource: req.tokenSource, Status: status, Response: raw, At: s.clk.Now()}
	if aerr != nil {
		call.Error = aerr.code
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.counts[req.method]++
	s.mu.Unlock()

	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// DeactivateToken makes every later call with tok answer account_inactive.
func (s *Server) DeactivateToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.tokens[tok] = tokenInactive
}

// RevokeToken makes every later call with tok answer token_revoked.
func (s *Server) RevokeToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.tokens[tok] = tokenRevoked
}

// channelFor resolves a channel argument the bot may read or write; Slack
// hides private conversations the bot is not in behind channel_not_found.
func (s *Server) channelFor(id string, needMember bool) (*Channel, *apiError) {
	if id == "" {
		return nil, errCode("channel_not_found")
	}
	ch := s.st.channels[id]
	if ch == nil {
		return nil, errCode("channel_not_found")
	}
	member := s.st.isMember(ch, s.st.botUser)
	if (ch.Private || ch.IM || ch.MPIM) && !member {
		return nil, errCode("channel_not_found")
	}
	if needMember && !member {
		return nil, errCode("not_in_channel")
	}
	return ch, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("slackfake: marshalling %T: %v", v, err))
	}
	return b
}
