// Package oauthfake is a fake of Google's OAuth 2.0 token endpoint
// (https://oauth2.googleapis.com/token) for tests, the sandbox and the demo.
//
// It speaks the two grants Liaison uses: refresh_token (an installed-app
// client with a user's refresh token) and the jwt-bearer grant of service
// accounts (an RS256 assertion signed with the account's key). Like Google it
// answers invalid_client for an unknown client or a wrong secret and
// invalid_grant for a revoked refresh token or a bad assertion, with the
// error JSON Google sends. The access tokens it issues are checked by the Ads
// and Search Console fakes through Principal.
package oauthfake

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// Grant types Google accepts at the token endpoint.
const (
	GrantRefreshToken = "refresh_token"
	GrantJWTBearer    = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Clock stamps issued tokens and decides when they expire; clock.Real when nil.
	Clock clock.Clock
	// Logger receives one debug line per refused request; discarded when nil.
	Logger *slog.Logger
	// TokenTTL is the lifetime of issued access tokens (expires_in); default
	// one hour, as Google's. The sandbox on a simulated clock sets it longer,
	// because the oauth2 library judges expiry on the wall clock.
	TokenTTL time.Duration
	// Audience, when set, is the only "aud" accepted in jwt-bearer
	// assertions (Google requires its token URL there).
	Audience string
}

type refreshGrant struct {
	clientID  string
	principal string
	revoked   bool
}

type accessToken struct {
	principal string
	expires   time.Time
}

// Server is the fake token endpoint. It is safe for concurrent use.
type Server struct {
	clk clock.Clock
	log *slog.Logger
	ttl time.Duration
	aud string

	mu       sync.Mutex
	clients  map[string]string // client id → secret
	refresh  map[string]*refreshGrant
	accounts map[string]*rsa.PublicKey // service account email → key
	access   map[string]accessToken
	seq      int
	requests map[string]int // grant type → count, "" for malformed requests
	failNext int
	failCode int
}

// New returns an empty Server: register clients, refresh tokens and
// service accounts before use.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	return &Server{clk: opts.Clock, log: opts.Logger, ttl: opts.TokenTTL, aud: opts.Audience,
		clients: map[string]string{}, refresh: map[string]*refreshGrant{}, accounts: map[string]*rsa.PublicKey{},
		access: map[string]accessToken{}, requests: map[string]int{}}
}

// AddClient registers an OAuth client.
func (s *Server) AddClient(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = secret
}

// AddRefreshToken registers a refresh token granted to clientID by the
// Google user principal (an email); access tokens minted from it act as
// that user.
func (s *Server) AddRefreshToken(clientID, refreshToken, principal string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh[refreshToken] = &refreshGrant{clientID: clientID, principal: principal}
}

// RevokeRefreshToken makes the refresh token fail with invalid_grant, as
// when the user revokes access or Google expires an unused token. Access
// tokens already minted from it stop working too.
func (s *Server) RevokeRefreshToken(refreshToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.refresh[refreshToken]
	if g == nil {
		return
	}
	g.revoked = true
	for tok, a := range s.access {
		if a.principal == g.principal {
			delete(s.access, tok)
		}
	}
}

// AddServiceAccount registers a service account by email and public key.
func (s *Server) AddServiceAccount(email string, key *rsa.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[email] = key
}

// FailNext makes the next n token requests fail with status (500 or 503
// are transient for clients; 429 too).
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failCode = n, status
}

// Requests returns how many token requests used grantType ("" counts
// requests without a known grant).
func (s *Server) Requests(grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[grantType]
}

// Principal returns whom an access token acts for, and false when the
// token is unknown, expired or revoked. The Ads and Search Console fakes
// call it for every request.
func (s *Server) Principal(token string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.access[token]
	if !ok || !s.clk.Now().Before(a.expires) {
		return "", false
	}
	return a.principal, true
}

// Handler serves POST /token.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.serveToken)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request", fmt.Sprintf("oauthfake: no route for %s %s", r.Method, r.URL.Path))
	})
	return mux
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		s.count("")
		writeError(w, http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.count("")
		writeError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	grant := r.PostForm.Get("grant_type")
	s.mu.Lock()
	known := grant == GrantRefreshToken || grant == GrantJWTBearer
	if known {
		s.requests[grant]++
	} else {
		s.requests[""]++
	}
	if s.failNext > 0 {
		s.failNext--
		code := s.failCode
		s.mu.Unlock()
		if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, code, "internal_failure", "injected failure")
		return
	}
	s.mu.Unlock()
	var principal string
	var status int
	var code, desc string
	switch grant {
	case GrantRefreshToken:
		principal, status, code, desc = s.checkRefresh(r)
	case GrantJWTBearer:
		principal, status, code, desc = s.checkAssertion(r.PostForm.Get("assertion"))
	case "":
		status, code, desc = http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "
	default:
		status, code, desc = http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+grant
	}
	if code != "" {
		s.log.Debug("token request refused", "grant", grant, "error", code)
		writeError(w, status, code, desc)
		return
	}
	s.mu.Lock()
	s.seq++
	tok := fmt.Sprintf("ya29.fake-%d-%x", s.seq, sha256.Sum256([]byte(principal+grant)))[:40]
	s.access[tok] = accessToken{principal: principal, expires: s.clk.Now().Add(s.ttl)}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "expires_in": int(s.ttl / time.Second), "token_type": "Bearer",
		"scope": strings.TrimSpace(r.PostForm.Get("scope")),
	})
}

// checkRefresh authenticates the client (form fields or HTTP Basic, as
// golang.org/x/oauth2 may use either) and the refresh token.
func (s *Server) checkRefresh(r *http.Request) (principal string, status int, code, desc string) {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	rt := r.PostForm.Get("refresh_token")
	s.mu.Lock()
	defer s.mu.Unlock()
	want, ok := s.clients[id]
	if id == "" || !ok || want != secret {
		return "", http.StatusUnauthorized, "invalid_client", "The OAuth client was not found."
	}
	if rt == "" {
		return "", http.StatusBadRequest, "invalid_request", "Missing required parameter: refresh_token"
	}
	g := s.refresh[rt]
	if g == nil || g.revoked || g.clientID != id {
		return "", http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked."
	}
	return g.principal, 0, "", ""
}

type jwtClaims struct {
	Iss   string `json:"iss"`
	Scope string `json:"scope"`
	Aud   string `json:"aud"`
	Exp   int64  `json:"exp"`
	Iat   int64  `json:"iat"`
	Sub   string `json:"sub"`
}

// checkAssertion verifies a service account's signed JWT. Its iat and exp
// are compared with each other, not with the fake's clock: the oauth2
// library stamps them from the wall clock, which tests do not control.
func (s *Server) checkAssertion(assertion string) (principal string, status int, code, desc string) {
	bad := func(d string) (string, int, string, string) { return "", http.StatusBadRequest, "invalid_grant", d }
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return bad("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
	}
	hdrJSON, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	claimsJSON, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return bad("Invalid JWT Signature.")
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	var c jwtClaims
	if json.Unmarshal(hdrJSON, &hdr) != nil || json.Unmarshal(claimsJSON, &c) != nil || hdr.Alg != "RS256" {
		return bad("Invalid JWT Signature.")
	}
	s.mu.Lock()
	key := s.accounts[c.Iss]
	s.mu.Unlock()
	if key == nil {
		return "", http.StatusUnauthorized, "invalid_client", "The OAuth client was not found."
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil {
		return bad("Invalid JWT Signature.")
	}
	if c.Exp <= c.Iat || c.Exp-c.Iat > 3600 {
		return bad("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
	}
	if s.aud != "" && c.Aud != s.aud {
		return bad("Invalid JWT: aud must be the token endpoint.")
	}
	if c.Scope == "" {
		return bad("Invalid JWT: scope is required.")
	}
	if c.Sub != "" {
		return c.Sub, 0, "", "" // domain-wide delegation: act as the user
	}
	return c.Iss, 0, "", ""
}

func writeError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// NewServiceAccountKey generates an RSA key for email, registers its public
// half and returns the JSON key file Google would hand out, with tokenURL as
// its token_uri.
func (s *Server) NewServiceAccountKey(email, tokenURL string) ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating service account key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding service account key: %w", err)
	}
	s.AddServiceAccount(email, &key.PublicKey)
	return json.Marshal(map[string]string{
		"type": "service_account", "project_id": "liaison-fake", "private_key_id": "fake-key-1",
		"private_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email": email, "client_id": "100000000000000000001", "token_uri": tokenURL,
	})
}

func (s *Server) count(grant string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[grant]++
}
