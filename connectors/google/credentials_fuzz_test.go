package google_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/google"
)

// fuzzKeyMarker stands for the private key's body; it must never come out
// in a validation problem or an error.
const fuzzKeyMarker = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC"

// FuzzServiceAccountKey feeds arbitrary bytes as the service_account JSON
// key to validation and to building a token source (which reads the key
// without fetching a token): neither may panic, and neither may quote the
// key in what it says.
func FuzzServiceAccountKey(f *testing.F) {
	f.Add([]byte(`{"type":"service_account","project_id":"northwind","private_key_id":"k1","private_key":"-----BEGIN PRIVATE KEY-----\n` +
		fuzzKeyMarker + `\n-----END PRIVATE KEY-----\n","client_email":"liaison@northwind.iam.gserviceaccount.com","token_uri":"https://oauth2.googleapis.com/token"}`))
	f.Add([]byte(`{"type":"authorized_user","client_id":"x","client_secret":"` + fuzzKeyMarker + `"}`))
	f.Add([]byte(`{"private_key":` + fuzzKeyMarker + `}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, key []byte) {
		c := google.Config{ServiceAccount: secret.Secret(key)}
		check := func(what string, err error) {
			if err != nil && strings.Contains(err.Error(), fuzzKeyMarker) {
				t.Fatalf("%s quotes the key: %v", what, err)
			}
		}
		check("Validate", c.Validate())
		_, err := google.TokenSource(context.Background(), c, nil, clock.NewFake(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)))
		check("TokenSource", err)
	})
}
