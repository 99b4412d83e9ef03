package invoice

import (
	"fmt"

	"github.com/liaisonhq/liaison/connectors"
)

var readyTexts = map[connectors.Language]string{
	connectors.LanguageEnglish:   "Invoice data for %s is ready: <%s|open the spreadsheet>.",
	connectors.LanguageRussian:   "Данные для счетов за %s готовы: <%s|открыть таблицу>.",
	connectors.LanguageUkrainian: "Дані для рахунків за %s готові: <%s|відкрити таблицю>.",
}

// ReadyForFinance is the Slack message (mrkdwn) telling finance, in their
// language, that the invoice data for month ("2026-11") is ready.
func ReadyForFinance(lang connectors.Language, month, url string) string {
	t, ok := readyTexts[lang]
	if !ok {
		t = readyTexts[connectors.LanguageEnglish]
	}
	return fmt.Sprintf(t, month, url)
}
