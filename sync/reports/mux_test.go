package reports_test

import (
	"net/http"

	"github.com/liaisonhq/liaison/connectors/google/oauthfake"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
)

func muxOf(oauth *oauthfake.Server, f *sheetsfake.Fake) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/token", oauth.Handler())
	mux.Handle("/", f.Handler())
	return mux
}
