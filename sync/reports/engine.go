package reports

import (
	"context"

	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/sync/engine"
)

// ForEngine returns p as the engine's Publisher: the report, invoice and
// ops runs hand it a key, a workbook and who gets access.
func ForEngine(p *Publisher) engine.Publisher { return enginePublisher{p} }

type enginePublisher struct{ p *Publisher }

func (e enginePublisher) Publish(ctx context.Context, key string, wb table.Workbook, share engine.Share) (string, error) {
	return e.p.PublishWorkbook(ctx, key, wb, share.Readers, share.Writers, share.Language)
}
