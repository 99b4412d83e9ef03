package invoice

import (
	"fmt"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/report"
)

var readyTexts = map[connectors.Language]string{
	connectors.LanguageEnglish:   "Invoice data for %s is ready: <%s|open the spreadsheet>.",
	connectors.LanguageRussian:   "Данные для счетов за %s готовы: <%s|открыть таблицу>.",
	connectors.LanguageUkrainian: "Дані для рахунків за %s готові: <%s|відкрити таблицю>.",
}

// ReadyForFinance is the Slack message (mrkdwn) telling finance, in their
// language, that the invoice data for month ("2026-11", named for the
// reader: "November 2026", "листопад 2026") is ready.
func ReadyForFinance(lang connectors.Language, month, url string) string {
	t, ok := readyTexts[lang]
	if !ok {
		t = readyTexts[connectors.LanguageEnglish]
	}
	name := month
	if p, err := report.ParsePeriod(month); err == nil {
		name = report.PeriodFor(lang, p)
	}
	return fmt.Sprintf(t, name, url)
}
