package report

import "github.com/liaisonhq/liaison/connectors"

// commentaryText is the commentary's wording in one language. Metric
// names are the plural nouns the sentences agree with ("клики выросли").
type commentaryText struct {
	heading string
	// Metric names inside a sentence.
	adsClicks, adsSpend, adsConversions, organicClicks string
	rose, fell                                         string // "rose", "fell", agreeing with the metric names
	// changed: source, metric, rose/fell, percent, current, previous.
	changed string
	// through: source, the last day with data, while the period runs.
	through string
	// steady: source, metric, current.
	steady string
	// fromNothing: source, metric, current.
	fromNothing string
	// campaign: name, delta with its unit, current, previous.
	campaign string
	// queryPage: the query and its delta, the page and its delta.
	queryPage, query, page string
	// work: resolved tasks, hours; inProgress: tasks, appended to work.
	work, inProgress string
	// notFinal: the parts not final yet, joined by and.
	notFinal, gscPart, adsPart, and string
	final, allFinal                 string
	tasks, hours, days, clicks      noun
	conversions                     noun
	quote                           func(string) string
}

func guillemets(s string) string { return "«" + s + "»" }
func curly(s string) string      { return "“" + s + "”" }

var commentaryTexts = map[connectors.Language]*commentaryText{
	connectors.LanguageEnglish: {
		heading:   "Commentary",
		adsClicks: "clicks", adsSpend: "spend", adsConversions: "conversions", organicClicks: "organic clicks",
		rose: "rose", fell: "fell", through: "%s (through %s, the previous period over the same days)",
		changed:     "%s: %s %s by %s against the previous period (%s against %s).",
		steady:      "%s: %s stayed at the previous period's level (%s).",
		fromNothing: "%s: %s reached %s, against none in the previous period.",
		campaign:    "The campaign behind most of the change is %s: %s (%s against %s).",
		queryPage:   "Most of the change came from the query %s (%s) and the page %s (%s).",
		query:       "Most of the change came from the query %s (%s).",
		page:        "Most of the change came from the page %s (%s).",
		work:        "Work done in the period: %s resolved, %s logged",
		inProgress:  "; %s still in progress",
		notFinal:    "Not final yet: %s.",
		gscPart:     "Search Console data for %s (%s–%s)",
		adsPart:     "Google Ads conversions, which may still arrive until %s",
		and:         " and ",
		final:       "This is the period's final report: its figures no longer change.",
		allFinal:    "All data of the period is final.",
		tasks:       noun{one: "task", other: "tasks"},
		hours:       noun{one: "hour", other: "hours"},
		days:        noun{one: "day", other: "days"},
		clicks:      noun{one: "click", other: "clicks"},
		conversions: noun{one: "conversion", other: "conversions"},
		quote:       curly,
	},
	connectors.LanguageRussian: {
		heading:   "Комментарий",
		adsClicks: "клики", adsSpend: "расходы", adsConversions: "конверсии", organicClicks: "органические клики",
		rose: "выросли", fell: "снизились", through: "%s (по %s, прошлый период — за те же дни)",
		changed:     "%s: %s %s на %s к прошлому периоду (%s против %s).",
		steady:      "%s: %s остались на уровне прошлого периода (%s).",
		fromNothing: "%s: %s — %s, в прошлом периоде их не было.",
		campaign:    "Больше всего на это повлияла кампания %s: %s (%s против %s).",
		queryPage:   "Больше всего изменение дали запрос %s (%s) и страница %s (%s).",
		query:       "Больше всего изменение дал запрос %s (%s).",
		page:        "Больше всего изменение дала страница %s (%s).",
		work:        "Работы за период: выполнено — %s, учтено — %s",
		inProgress:  "; в работе ещё %s",
		notFinal:    "Ещё не окончательны: %s.",
		gscPart:     "данные Search Console за %s (%s–%s)",
		adsPart:     "конверсии Google Ads, которые могут поступать до %s",
		and:         " и ",
		final:       "Это финальная версия отчёта: цифры периода больше не меняются.",
		allFinal:    "Все данные периода окончательные.",
		tasks:       noun{one: "задача", few: "задачи", many: "задач", other: "задачи"},
		hours:       noun{one: "час", few: "часа", many: "часов", other: "часа"},
		days:        noun{one: "день", few: "дня", many: "дней", other: "дня"},
		clicks:      noun{one: "клик", few: "клика", many: "кликов", other: "клика"},
		conversions: noun{one: "конверсия", few: "конверсии", many: "конверсий", other: "конверсии"},
		quote:       guillemets,
	},
	connectors.LanguageUkrainian: {
		heading:   "Коментар",
		adsClicks: "кліки", adsSpend: "витрати", adsConversions: "конверсії", organicClicks: "органічні кліки",
		rose: "зросли", fell: "знизилися", through: "%s (по %s, попередній період — за ті самі дні)",
		changed:     "%s: %s %s на %s порівняно з попереднім періодом (%s проти %s).",
		steady:      "%s: %s залишилися на рівні попереднього періоду (%s).",
		fromNothing: "%s: %s — %s, у попередньому періоді їх не було.",
		campaign:    "Найбільше на це вплинула кампанія %s: %s (%s проти %s).",
		queryPage:   "Найбільше зміну дали запит %s (%s) і сторінка %s (%s).",
		query:       "Найбільше зміну дав запит %s (%s).",
		page:        "Найбільше зміну дала сторінка %s (%s).",
		work:        "Роботи за період: виконано — %s, враховано — %s",
		inProgress:  "; у роботі ще %s",
		notFinal:    "Ще не остаточні: %s.",
		gscPart:     "дані Search Console за %s (%s–%s)",
		adsPart:     "конверсії Google Ads, які можуть надходити до %s",
		and:         " і ",
		final:       "Це остаточна версія звіту: цифри періоду більше не змінюються.",
		allFinal:    "Усі дані періоду остаточні.",
		tasks:       noun{one: "завдання", few: "завдання", many: "завдань", other: "завдання"},
		hours:       noun{one: "година", few: "години", many: "годин", other: "години"},
		days:        noun{one: "день", few: "дні", many: "днів", other: "дня"},
		clicks:      noun{one: "клік", few: "кліки", many: "кліків", other: "кліка"},
		conversions: noun{one: "конверсія", few: "конверсії", many: "конверсій", other: "конверсії"},
		quote:       guillemets,
	},
}

func commentaryTextFor(lang connectors.Language) *commentaryText {
	if t, ok := commentaryTexts[lang]; ok {
		return t
	}
	return commentaryTexts[connectors.LanguageEnglish]
}
