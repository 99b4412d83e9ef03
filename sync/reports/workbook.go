package reports

import (
	"context"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/table"
)

// PublishWorkbook publishes wb under key ("report/<client id>",
// "invoices", "ops") with readers (notified by Drive's email, in lang) and
// writers (agency people, told in Slack instead), and returns the
// spreadsheet's URL. It is the shape the engine's report runs call; the
// app properties and the audit's client come from the key.
func (p *Publisher) PublishWorkbook(ctx context.Context, key string, wb table.Workbook, readers, writers []string, lang connectors.Language) (Result, error) {
	t := Target{Key: key, Workbook: &wb, Message: ShareMessage(lang, wb.Title)}
	if id, ok := strings.CutPrefix(key, "report/"); ok {
		t.ClientID, t.AppProperties = id, ClientProperties(id)
	} else {
		t.AppProperties = KindProperties(strings.ReplaceAll(key, "/", "_"))
	}
	for _, e := range readers {
		t.Grants = append(t.Grants, sheets.Grant{Email: e, Role: sheets.RoleReader, Notify: true})
	}
	for _, e := range writers {
		t.Grants = append(t.Grants, sheets.Grant{Email: e, Role: sheets.RoleWriter})
	}
	t.Grants = dedupe(t.Grants)
	return p.Publish(ctx, t)
}
