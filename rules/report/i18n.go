package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// text holds the report's wording in one language.
type text struct {
	months                                          [12]string
	title, summary, work                            string
	ready, final, updated                           string
	gscNotFinal, adsMoving, adsFrozen, days, weekOf string
	// weekFor names a week after "for"/"за": Russian puts it in the
	// accusative ("за неделю"), the others keep weekOf's form.
	weekFor string
	// sameDays heads the previous period's column while the period runs;
	// comparedTo names a section's compared days (section, from, to).
	sameDays, comparedTo                                        string
	metric, change, date, account, campaign, query, page, total string
	spend, clicks, impressions, ctr, cpc, conversions, costConv string
	organic, position, adsClicks, organicClicks, chart          string
	task, taskSummary, assignee, hoursCol, status               string
	resolved, inProgress, none, topQueries, topPages, byDay     string
	otherCurrency, adsDays, gscDays                             string
}

var texts = map[connectors.Language]*text{
	connectors.LanguageEnglish: {
		months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		title:  "%s — report", summary: "Summary", work: "Work done",
		sameDays: "%s, same days", comparedTo: "%s (against %s–%s)",
		ready: "Report ready: %s, %s", final: "final", updated: "updated %s",
		gscNotFinal: "Search Console data for %s–%s is not final yet: it settles 2–3 days later.",
		adsMoving:   "Google Ads conversions count on the day of the click and keep arriving: figures for %s may still change until %s, the final run.",
		adsFrozen:   "Google Ads conversions that arrive after the final run are not added to this period.",
		days:        "Days as each source counts them: Google Ads in each account's time zone (%s); Search Console in Pacific time (America/Los_Angeles).",
		weekOf:      "week %s – %s",
		adsDays:     "Days in each account's time zone: %s.",
		gscDays:     "Days in Pacific time (America/Los_Angeles), as Search Console counts them.",
		metric:      "Metric", change: "Change", date: "Date", account: "Account", campaign: "Campaign", query: "Query", page: "Page", total: "Total",
		spend: "Spend", clicks: "Clicks", impressions: "Impressions", ctr: "CTR", cpc: "CPC", conversions: "Conversions", costConv: "Cost per conversion",
		organic: "Search Console (organic)", position: "Average position", adsClicks: "Ads clicks", organicClicks: "Organic clicks",
		chart: "Daily clicks and spend",
		task:  "Task", taskSummary: "Summary", assignee: "Assignee", hoursCol: "Hours", status: "Status",
		resolved: "Resolved in the period", inProgress: "In progress", none: "None", topQueries: "Top 50 queries", topPages: "Top 50 pages", byDay: "By day",
		otherCurrency: "Google Ads amounts are in each account's own currency, not converted: %s.",
	},
	connectors.LanguageRussian: {
		months: [12]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"},
		title:  "%s — отчёт", summary: "Сводка", work: "Выполненные работы",
		sameDays: "%s, те же дни", comparedTo: "%s (к %s–%s)",
		ready: "Отчёт готов: %s, %s", final: "финальный", updated: "обновлён %s",
		gscNotFinal: "Данные Search Console за %s–%s ещё не окончательные: они уточняются через 2–3 дня.",
		adsMoving:   "Конверсии Google Ads относятся ко дню клика и продолжают поступать: цифры за %s могут измениться до %s, финального обновления.",
		adsFrozen:   "Конверсии Google Ads, поступившие после финального обновления, в этот период не добавляются.",
		days:        "Дни считаются так, как их считает источник: Google Ads — в часовом поясе аккаунта (%s); Search Console — по тихоокеанскому времени (America/Los_Angeles).",
		weekOf:      "неделя %s – %s",
		weekFor:     "неделю %s – %s",
		adsDays:     "Дни — в часовом поясе каждого аккаунта: %s.",
		gscDays:     "Дни — по тихоокеанскому времени (America/Los_Angeles), как их считает Search Console.",
		metric:      "Показатель", change: "Изменение", date: "Дата", account: "Аккаунт", campaign: "Кампания", query: "Запрос", page: "Страница", total: "Итого",
		spend: "Расходы", clicks: "Клики", impressions: "Показы", ctr: "CTR", cpc: "CPC", conversions: "Конверсии", costConv: "Цена конверсии",
		organic: "Search Console (органика)", position: "Средняя позиция", adsClicks: "Клики Ads", organicClicks: "Органические клики",
		chart: "Клики и расходы по дням",
		task:  "Задача", taskSummary: "Название", assignee: "Исполнитель", hoursCol: "Часы", status: "Статус",
		resolved: "Выполнено за период", inProgress: "В работе", none: "Нет", topQueries: "Топ-50 запросов", topPages: "Топ-50 страниц", byDay: "По дням",
		otherCurrency: "Суммы Google Ads — в валюте каждого аккаунта, без пересчёта: %s.",
	},
	connectors.LanguageUkrainian: {
		months: [12]string{"січень", "лютий", "березень", "квітень", "травень", "червень", "липень", "серпень", "вересень", "жовтень", "листопад", "грудень"},
		title:  "%s — звіт", summary: "Зведення", work: "Виконані роботи",
		sameDays: "%s, ті самі дні", comparedTo: "%s (до %s–%s)",
		ready: "Звіт готовий: %s, %s", final: "остаточний", updated: "оновлено %s",
		gscNotFinal: "Дані Search Console за %s–%s ще не остаточні: вони уточнюються через 2–3 дні.",
		adsMoving:   "Конверсії Google Ads належать до дня кліку й продовжують надходити: цифри за %s можуть змінитися до %s, остаточного оновлення.",
		adsFrozen:   "Конверсії Google Ads, що надійшли після остаточного оновлення, до цього періоду не додаються.",
		days:        "Дні рахуються так, як їх рахує джерело: Google Ads — у часовому поясі акаунта (%s); Search Console — за тихоокеанським часом (America/Los_Angeles).",
		weekOf:      "тиждень %s – %s",
		adsDays:     "Дні — у часовому поясі кожного акаунта: %s.",
		gscDays:     "Дні — за тихоокеанським часом (America/Los_Angeles), як їх рахує Search Console.",
		metric:      "Показник", change: "Зміна", date: "Дата", account: "Акаунт", campaign: "Кампанія", query: "Запит", page: "Сторінка", total: "Разом",
		spend: "Витрати", clicks: "Кліки", impressions: "Покази", ctr: "CTR", cpc: "CPC", conversions: "Конверсії", costConv: "Ціна конверсії",
		organic: "Search Console (органіка)", position: "Середня позиція", adsClicks: "Кліки Ads", organicClicks: "Органічні кліки",
		chart: "Кліки та витрати по днях",
		task:  "Завдання", taskSummary: "Назва", assignee: "Виконавець", hoursCol: "Години", status: "Статус",
		resolved: "Виконано за період", inProgress: "У роботі", none: "Немає", topQueries: "Топ-50 запитів", topPages: "Топ-50 сторінок", byDay: "По днях",
		otherCurrency: "Суми Google Ads — у валюті кожного акаунта, без перерахунку: %s.",
	},
}

// textFor returns the wording of lang, English when unknown.
func textFor(lang connectors.Language) *text {
	if t, ok := texts[lang]; ok {
		return t
	}
	return texts[connectors.LanguageEnglish]
}

// Locale returns the spreadsheet locale of a language.
func Locale(lang connectors.Language) string {
	switch lang {
	case connectors.LanguageRussian:
		return "ru_RU"
	case connectors.LanguageUkrainian:
		return "uk_UA"
	}
	return "en_US"
}

// periodFor names a period after "for"/"за" ("цифры за неделю …").
func (t *text) periodFor(p Period, date func(string) string) string {
	if p.Kind == connectors.PeriodWeekly && t.weekFor != "" {
		return fmt.Sprintf(t.weekFor, date(p.From.String()), date(p.To.String()))
	}
	return t.periodName(p, date)
}

// periodName names a period for a reader: "November 2026", "ноябрь 2026",
// or for a week its first and last dates.
func (t *text) periodName(p Period, date func(string) string) string {
	if p.Kind == connectors.PeriodWeekly {
		return fmt.Sprintf(t.weekOf, date(p.From.String()), date(p.To.String()))
	}
	m := p.From.Start(time.UTC)
	return t.months[m.Month()-1] + " " + fmt.Sprint(m.Year())
}

// capital upper-cases the first letter, for a period name heading a column.
func capital(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
