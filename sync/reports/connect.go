package reports

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/sheets"
)

// NewSheetsClient builds the Sheets connector from connections.google:
// a token source with the Sheets and Drive scopes over hc (an httpx
// client, so token requests get the same retries), and lim, the one
// Limiter of the process (nil makes one from cfg.Sheets and its defaults). It makes no
// request.
func NewSheetsClient(ctx context.Context, cfg google.Config, hc *http.Client, lim *sheets.Limiter, log *slog.Logger, clk clock.Clock) (*sheets.Client, error) {
	if clk == nil {
		clk = clock.Real{}
	}
	ts, err := google.TokenSource(ctx, cfg, hc, clk, google.ScopeSpreadsheets, google.ScopeDrive)
	if err != nil {
		return nil, fmt.Errorf("google credentials for reports: %w", err)
	}
	if log != nil {
		log = log.With("connector", "sheets")
	}
	return sheets.New(ctx, cfg, sheets.Options{HTTPClient: hc, TokenSource: ts, Limiter: lim, Logger: log, Clock: clk})
}
