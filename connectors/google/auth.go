package google

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/jwt"

	"github.com/liaisonhq/liaison/clock"
)

// OAuth scopes Liaison asks for.
const (
	ScopeAds                   = "https://www.googleapis.com/auth/adwords"
	ScopeSearchConsoleReadOnly = "https://www.googleapis.com/auth/webmasters.readonly"
	// ScopeSpreadsheets writes report spreadsheets.
	ScopeSpreadsheets = "https://www.googleapis.com/auth/spreadsheets"
	// ScopeDrive finds spreadsheets by their properties, creates them in
	// a shared drive's folder and shares them.
	ScopeDrive = "https://www.googleapis.com/auth/drive"
)

// TokenSource builds a caching token source from the configured
// credentials: the refresh-token grant for an OAuth client, or the
// jwt-bearer grant for a service account. Tokens are fetched from
// c.TokenURL (the OAuth fake in tests) through hc, so token requests get
// the same retries as API calls, and cached until a minute before they
// expire by clk (clock.Real when nil) rather than by the wall clock the
// oauth2 package reads. It does not contact Google.
func TokenSource(ctx context.Context, c Config, hc *http.Client, clk clock.Clock, scopes ...string) (oauth2.TokenSource, error) {
	if clk == nil {
		clk = clock.Real{}
	}
	if hc != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	}
	tokenURL := c.TokenURL
	if tokenURL == "" {
		tokenURL = DefaultTokenURL
	}
	switch {
	case c.ServiceAccount.IsSet():
		var key struct {
			ClientEmail  string `json:"client_email"`
			PrivateKey   string `json:"private_key"`
			PrivateKeyID string `json:"private_key_id"`
		}
		if err := json.Unmarshal([]byte(c.ServiceAccount.Reveal()), &key); err != nil {
			return nil, errors.New("google: service_account is not a JSON service account key")
		}
		jc := &jwt.Config{Email: key.ClientEmail, PrivateKey: []byte(key.PrivateKey), PrivateKeyID: key.PrivateKeyID,
			Scopes: scopes, TokenURL: tokenURL}
		// A fresh jwt source per fetch: its own cache reads the wall clock.
		return &cachedSource{clk: clk, fetch: func() (*oauth2.Token, error) { return jc.TokenSource(ctx).Token() }}, nil
	case c.OAuth.given():
		oc := &oauth2.Config{ClientID: c.OAuth.ClientID, ClientSecret: c.OAuth.ClientSecret.Reveal(),
			Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}, Scopes: scopes}
		rt := c.OAuth.RefreshToken.Reveal()
		return &cachedSource{clk: clk, fetch: func() (*oauth2.Token, error) {
			return oc.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
		}}, nil
	default:
		return nil, errors.New("google: no credentials configured (service_account or oauth)")
	}
}

// cachedSource caches a token by the injected clock.
type cachedSource struct {
	clk   clock.Clock
	fetch func() (*oauth2.Token, error)

	mu      sync.Mutex
	tok     *oauth2.Token
	expires time.Time // by clk
}

// expiryMargin renews tokens early so that one never expires in flight.
const expiryMargin = time.Minute

func (s *cachedSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	if s.tok != nil && now.Before(s.expires.Add(-expiryMargin)) {
		return s.tok, nil
	}
	tok, err := s.fetch()
	if err != nil {
		return nil, AsTokenError(err)
	}
	life := time.Hour
	if !tok.Expiry.IsZero() {
		life = time.Until(tok.Expiry) // oauth2 stamped it from the wall clock just now
	}
	t := *tok
	t.Expiry = now.Add(life)
	s.tok, s.expires = &t, t.Expiry
	return s.tok, nil
}

// TokenError is a failure to obtain an access token. It keeps the token
// endpoint's error code (invalid_grant for a revoked refresh token,
// invalid_client for a wrong client) but never the response body, which
// may echo credentials.
type TokenError struct {
	Code        string // OAuth error code, "" when the endpoint was unreachable
	Description string
	Err         error
}

func (e *TokenError) Error() string {
	switch {
	case e.Code == "invalid_grant":
		return fmt.Sprintf("google credentials rejected (invalid_grant: %s): the refresh token was revoked or expired, or the service account key is wrong; re-authorise", e.Description)
	case e.Code != "":
		return fmt.Sprintf("google token endpoint refused credentials (%s: %s)", e.Code, e.Description)
	default:
		return fmt.Sprintf("fetching google access token: %v", e.Err)
	}
}

func (e *TokenError) Unwrap() error { return e.Err }

// Permanent reports whether retrying cannot help until someone fixes the
// credentials.
func (e *TokenError) Permanent() bool { return e.Code != "" }

// AsTokenError turns an error from an oauth2 token source (possibly
// wrapped, e.g. in a *url.Error by oauth2.Transport) into a *TokenError;
// other errors are returned unchanged.
func AsTokenError(err error) error {
	if err == nil {
		return nil
	}
	var te *TokenError
	if errors.As(err, &te) {
		return te // drop wrappers such as *url.Error, which only add the API URL
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		if code == "" {
			code = fmt.Sprintf("http_%d", re.Response.StatusCode)
		}
		return &TokenError{Code: code, Description: re.ErrorDescription, Err: errors.New(code)}
	}
	return err
}
