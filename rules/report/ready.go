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

// RecreatedForAM tells an account manager, in their language, that the
// client's report spreadsheet had been deleted or trashed and was made
// anew at url, so the link the client has must be replaced.
func RecreatedForAM(lang connectors.Language, client, url string) string {
	f := map[connectors.Language]string{
		connectors.LanguageEnglish:   "The report spreadsheet for *%s* had been deleted or moved to the trash, so Liaison made a new one and shared it again: <%s|open the new spreadsheet>. The old link no longer works — please send the client the new one.",
		connectors.LanguageRussian:   "Таблицу отчёта для *%s* удалили или отправили в корзину, поэтому Liaison создал новую и снова открыл к ней доступ: <%s|открыть новую таблицу>. Старая ссылка больше не работает — пожалуйста, отправьте клиенту новую.",
		connectors.LanguageUkrainian: "Таблицю звіту для *%s* видалили або перемістили в кошик, тож Liaison створив нову й знову надав доступ: <%s|відкрити нову таблицю>. Старе посилання більше не працює — будь ласка, надішліть клієнтові нове.",
	}
	t, ok := f[lang]
	if !ok {
		t = f[connectors.LanguageEnglish]
	}
	return fmt.Sprintf(t, escape(client), url)
}

// NoStorageForAM tells an account manager, in their language, that
// reports cannot be created in Google Drive and what the agency's
// Liaison operator must configure.
func NoStorageForAM(lang connectors.Language) string {
	switch lang {
	case connectors.LanguageRussian:
		return "Liaison не может создать таблицы отчётов: Google Drive не хранит файлы сервисного аккаунта (403 storageQuotaExceeded). " +
			"Попросите того, кто настраивает Liaison, указать общий диск в `connections.google.drive.shared_drive_id` (сервисный аккаунт — его участник с ролью «Менеджер контента») " +
			"или подключить Google через `connections.google.oauth` от имени сотрудника агентства, которому будут принадлежать файлы."
	case connectors.LanguageUkrainian:
		return "Liaison не може створити таблиці звітів: Google Drive не зберігає файли сервісного акаунта (403 storageQuotaExceeded). " +
			"Попросіть того, хто налаштовує Liaison, вказати спільний диск у `connections.google.drive.shared_drive_id` (сервісний акаунт — його учасник із роллю «Менеджер вмісту») " +
			"або підключити Google через `connections.google.oauth` від імені працівника агенції, якому належатимуть файли."
	}
	return "Liaison cannot create report spreadsheets: Google Drive keeps no files for a service account (403 storageQuotaExceeded). " +
		"Ask whoever runs Liaison to set a shared drive in `connections.google.drive.shared_drive_id` (with the service account as a Content manager of it), " +
		"or to connect Google through `connections.google.oauth` as an agency user who will own the files."
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
