package report

import (
	"fmt"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
)

// readyTexts word the "report ready" message: to the account manager
// (client name, period, link) and to the client's channel (period, link).
var readyTexts = map[connectors.Language]struct{ am, client string }{
	connectors.LanguageEnglish: {
		am:     "The report for *%s* for %s is final: <%s|open the spreadsheet>.",
		client: "Your report for %s is ready: <%s|open the spreadsheet>.",
	},
	connectors.LanguageRussian: {
		am:     "Отчёт для *%s* за %s готов (финальный): <%s|открыть таблицу>.",
		client: "Ваш отчёт за %s готов: <%s|открыть таблицу>.",
	},
	connectors.LanguageUkrainian: {
		am:     "Звіт для *%s* за %s готовий (остаточний): <%s|відкрити таблицю>.",
		client: "Ваш звіт за %s готовий: <%s|відкрити таблицю>.",
	},
}

func readyText(lang connectors.Language) struct{ am, client string } {
	if t, ok := readyTexts[lang]; ok {
		return t
	}
	return readyTexts[connectors.LanguageEnglish]
}

// ReadyForAM is the Slack message (mrkdwn) telling an account manager, in
// their language, that a client's report for p is final, with its link.
func ReadyForAM(lang connectors.Language, client string, p Period, url string) string {
	t := textFor(lang)
	f := table.NewFormatter(Locale(lang), "")
	return fmt.Sprintf(readyText(lang).am, escape(client), t.periodName(p, f.Date), url)
}

// ReadyForClient is the message to the client's channel, in the client's
// language, that the report for p is ready, with its link.
func ReadyForClient(lang connectors.Language, p Period, url string) string {
	t := textFor(lang)
	f := table.NewFormatter(Locale(lang), "")
	return fmt.Sprintf(readyText(lang).client, t.periodName(p, f.Date), url)
}

// escape keeps a name from being read as Slack markup.
func escape(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case '&':
			out = append(out, []rune("&amp;")...)
		case '<':
			out = append(out, []rune("&lt;")...)
		case '>':
			out = append(out, []rune("&gt;")...)
		default:
			out = append(out, r)
		}
	}
	return string(out)
}
