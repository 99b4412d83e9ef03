package report

import (
	"testing"

	"github.com/liaisonhq/liaison/connectors"
)

func TestReadyMessages(t *testing.T) {
	nov, _ := ParsePeriod("2026-11")
	w48, _ := ParsePeriod("2026-W48")
	const url = "https://docs.google.com/spreadsheets/d/abc"
	cases := []struct{ got, want string }{
		{ReadyForAM(connectors.LanguageEnglish, "Acme <Ltd> & Co", nov, url),
			"The report for *Acme &lt;Ltd&gt; &amp; Co* for November 2026 is final: <https://docs.google.com/spreadsheets/d/abc|open the spreadsheet>."},
		{ReadyForAM(connectors.LanguageRussian, "Акме", nov, url),
			"Отчёт для *Акме* за ноябрь 2026 готов (финальный): <https://docs.google.com/spreadsheets/d/abc|открыть таблицу>."},
		{ReadyForAM(connectors.LanguageUkrainian, "Акме", w48, url),
			"Звіт для *Акме* за тиждень 23.11.2026 – 29.11.2026 готовий (остаточний): <https://docs.google.com/spreadsheets/d/abc|відкрити таблицю>."},
		{ReadyForClient(connectors.LanguageUkrainian, nov, url),
			"Ваш звіт за листопад 2026 готовий: <https://docs.google.com/spreadsheets/d/abc|відкрити таблицю>."},
		{ReadyForClient(connectors.LanguageEnglish, w48, url),
			"Your report for week Nov 23, 2026 – Nov 29, 2026 is ready: <https://docs.google.com/spreadsheets/d/abc|open the spreadsheet>."},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got  %q\nwant %q", c.got, c.want)
		}
	}
}
