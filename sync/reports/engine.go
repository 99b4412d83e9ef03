package reports

import (
	"context"
	"errors"
	"fmt"

	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/sync/engine"
)

// ForEngine returns p as the engine's Publisher: the report, invoice and
// ops runs hand it a key, a workbook and who gets access.
func ForEngine(p *Publisher) engine.Publisher { return enginePublisher{p} }

type enginePublisher struct{ p *Publisher }

func (e enginePublisher) Publish(ctx context.Context, key string, wb table.Workbook, share engine.Share) (engine.Published, error) {
	res, err := e.p.PublishWorkbook(ctx, key, wb, share.Readers, share.Writers, share.Language)
	var sq *sheets.StorageQuotaError
	if errors.As(err, &sq) {
		err = fmt.Errorf("%w: %w", engine.ErrNoStorage, err)
	}
	return engine.Published{URL: res.URL, Recreated: res.Recreated, DryRun: res.DryRun}, err
}
