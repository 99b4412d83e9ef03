package google_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/google/oauthfake"
)

func TestTokenSourceGrants(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	fake := oauthfake.New(oauthfake.Options{Clock: clk})
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()
	fake.AddClient("cid", "csecret")
	fake.AddRefreshToken("cid", "rt-good", "user@agency.example")
	fake.AddRefreshToken("cid", "rt-revoked", "user@agency.example")
	fake.RevokeRefreshToken("rt-revoked")
	key, err := fake.NewServiceAccountKey("sa@proj.iam.gserviceaccount.com", srv.URL+"/token")
	if err != nil {
		t.Fatal(err)
	}
	base := google.DefaultConfig()
	base.TokenURL = srv.URL + "/token"
	oauth := func(id, sec, rt string) google.Config {
		c := base
		c.OAuth = google.OAuth{ClientID: id, ClientSecret: secret.Secret(sec), RefreshToken: secret.Secret(rt)}
		return c
	}
	sa := base
	sa.ServiceAccount = secret.Secret(key)
	for _, tc := range []struct {
		name      string
		cfg       google.Config
		principal string
		code      string
	}{
		{"refresh token", oauth("cid", "csecret", "rt-good"), "user@agency.example", ""},
		{"revoked refresh token", oauth("cid", "csecret", "rt-revoked"), "", "invalid_grant"},
		{"unknown refresh token", oauth("cid", "csecret", "rt-nope"), "", "invalid_grant"},
		{"wrong client secret", oauth("cid", "wrong", "rt-good"), "", "invalid_client"},
		{"service account", sa, "sa@proj.iam.gserviceaccount.com", ""},
	} {
		ts, err := google.TokenSource(context.Background(), tc.cfg, nil, clk, google.ScopeAds)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		tok, err := ts.Token()
		var te *google.TokenError
		switch {
		case tc.code != "":
			if !errors.As(err, &te) || te.Code != tc.code || !te.Permanent() {
				t.Errorf("%s: err %v, want %s", tc.name, err, tc.code)
			}
			if err != nil && (strings.Contains(err.Error(), "csecret") || strings.Contains(err.Error(), "rt-")) {
				t.Errorf("%s: error leaks a secret: %v", tc.name, err)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		default:
			if p, ok := fake.Principal(tok.AccessToken); !ok || p != tc.principal {
				t.Errorf("%s: token acts for %q (%v), want %q", tc.name, p, ok, tc.principal)
			}
		}
	}
}

func TestTokenCachedByInjectedClock(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	fake := oauthfake.New(oauthfake.Options{Clock: clk})
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()
	fake.AddClient("cid", "csecret")
	fake.AddRefreshToken("cid", "rt", "u@a.example")
	c := google.DefaultConfig()
	c.TokenURL = srv.URL + "/token"
	c.OAuth = google.OAuth{ClientID: "cid", ClientSecret: "csecret", RefreshToken: "rt"}
	ts, _ := google.TokenSource(context.Background(), c, nil, clk)
	first, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := ts.Token()
	clk.Advance(2 * time.Hour) // past expiry by the fake's clock
	later, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if again.AccessToken != first.AccessToken || later.AccessToken == first.AccessToken {
		t.Errorf("tokens %s, %s, %s: want the first reused, then renewed", first.AccessToken, again.AccessToken, later.AccessToken)
	}
	if n := fake.Requests(oauthfake.GrantRefreshToken); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
	if _, ok := fake.Principal(first.AccessToken); ok {
		t.Error("the fake still accepts an expired token")
	}
}
