package anomaly

import (
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// Wording words anomaly findings in the reader's language: what moved, by
// how much against what was expected, since when, and the campaign, query
// or page that moved it most, with numbers formatted the reader's way.
// Delivery finds it by the rule's name.
type Wording struct{}

var _ rules.Wording = Wording{}

// texts is one language's copy. Formats name their verbs in comments.
type texts struct {
	tag          language.Tag
	metrics      map[string]string // metric → name, capitalised
	fell, rose   map[string]string // metric → verb agreeing with its name
	change       string            // %s %s %s%%: metric, verb, percent
	stoppedAcct  string            // %s: account
	stoppedCamp  string            // %s %s: campaign, account
	position     string            // %s %s %s %s: query, property, now, usual
	pacing       string            // %s %s %s: projected, budget, signed percent
	account      string            // %s: Ads account
	campaign     string            // %s: campaign id
	property     string            // %s: Search Console property
	query, page  string            // %s
	inAccount    string            // %s %s: part, account
	quote        [2]string         // opening and closing quotes around a name
	months       [12]string
	lActual      string
	lExpected    string
	lSince       string
	lContributor string
	lPeriod      string
	lSpent       string
	lastWeek     string
	overDays     func(n int) string // "over the last 3 days", for a change read over several days
}

func textsFor(lang connectors.Language) texts {
	switch lang {
	case connectors.LanguageRussian:
		return texts{
			tag:         language.Russian,
			metrics:     map[string]string{MetricSpend: "Расход", MetricClicks: "Клики", MetricCPC: "Цена клика", MetricConversions: "Конверсии", MetricImpressions: "Показы"},
			fell:        map[string]string{MetricSpend: "упал", MetricClicks: "упали", MetricCPC: "упала", MetricConversions: "упали", MetricImpressions: "упали"},
			rose:        map[string]string{MetricSpend: "вырос", MetricClicks: "выросли", MetricCPC: "выросла", MetricConversions: "выросли", MetricImpressions: "выросли"},
			change:      "%s %s на %s%%",
			stoppedAcct: "%s перестал показываться",
			stoppedCamp: "Кампания %s перестала показываться (%s)",
			position:    "Запрос «%s» просел в поиске (%s): средняя позиция %s вместо обычной %s",
			pacing:      "Расход Google Ads идёт к %s за месяц при бюджете %s (%s%%)",
			account:     "аккаунт Google Ads %s",
			campaign:    "кампания %s",
			property:    "Search Console %s",
			query:       "запрос «%s»",
			page:        "страница %s",
			inAccount:   "%s, %s",
			quote:       [2]string{"«", "»"},
			months:      [12]string{"янв.", "февр.", "мар.", "апр.", "мая", "июн.", "июл.", "авг.", "сент.", "окт.", "нояб.", "дек."},
			lActual:     "Факт", lExpected: "Ожидалось", lSince: "С", lContributor: "Больше всего повлияли", lPeriod: "Период",
			lSpent: "Потрачено в этом месяце", lastWeek: "последние 7 дней",
			overDays: func(n int) string {
				return "за последние " + strconv.Itoa(n) + " " + slavicPlural(n, "день", "дня", "дней")
			},
		}
	case connectors.LanguageUkrainian:
		return texts{
			tag:         language.Ukrainian,
			metrics:     map[string]string{MetricSpend: "Витрати", MetricClicks: "Кліки", MetricCPC: "Ціна кліка", MetricConversions: "Конверсії", MetricImpressions: "Покази"},
			fell:        map[string]string{MetricSpend: "впали", MetricClicks: "впали", MetricCPC: "впала", MetricConversions: "впали", MetricImpressions: "впали"},
			rose:        map[string]string{MetricSpend: "зросли", MetricClicks: "зросли", MetricCPC: "зросла", MetricConversions: "зросли", MetricImpressions: "зросли"},
			change:      "%s %s на %s%%",
			stoppedAcct: "%s перестав показуватися",
			stoppedCamp: "Кампанія %s перестала показуватися (%s)",
			position:    "Запит «%s» просів у пошуку (%s): середня позиція %s замість звичайної %s",
			pacing:      "Витрати Google Ads ідуть до %s за місяць при бюджеті %s (%s%%)",
			account:     "акаунт Google Ads %s",
			campaign:    "кампанія %s",
			property:    "Search Console %s",
			query:       "запит «%s»",
			page:        "сторінка %s",
			inAccount:   "%s, %s",
			quote:       [2]string{"«", "»"},
			months:      [12]string{"січ.", "лют.", "бер.", "квіт.", "трав.", "черв.", "лип.", "серп.", "вер.", "жовт.", "лист.", "груд."},
			lActual:     "Факт", lExpected: "Очікувалося", lSince: "З", lContributor: "Найбільше вплинули", lPeriod: "Період",
			lSpent: "Витрачено цього місяця", lastWeek: "останні 7 днів",
			overDays: func(n int) string {
				return "за останні " + strconv.Itoa(n) + " " + slavicPlural(n, "день", "дні", "днів")
			},
		}
	}
	return texts{
		tag:         language.English,
		metrics:     map[string]string{MetricSpend: "Spend", MetricClicks: "Clicks", MetricCPC: "Cost per click", MetricConversions: "Conversions", MetricImpressions: "Impressions"},
		fell:        map[string]string{MetricSpend: "fell", MetricClicks: "fell", MetricCPC: "fell", MetricConversions: "fell", MetricImpressions: "fell"},
		rose:        map[string]string{MetricSpend: "rose", MetricClicks: "rose", MetricCPC: "rose", MetricConversions: "rose", MetricImpressions: "rose"},
		change:      "%s %s by %s%%",
		stoppedAcct: "%s stopped serving",
		stoppedCamp: "Campaign %s stopped serving (%s)",
		position:    "Query “%s” slipped in search (%s): average position %s against a usual %s",
		pacing:      "Google Ads spend is on course for %s this month against a budget of %s (%s%%)",
		account:     "Google Ads account %s",
		campaign:    "campaign %s",
		property:    "Search Console %s",
		query:       "query “%s”",
		page:        "page %s",
		inAccount:   "%s, %s",
		quote:       [2]string{"“", "”"},
		months:      [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		lActual:     "Actual", lExpected: "Expected", lSince: "Since", lContributor: "Biggest contributor", lPeriod: "Period",
		lSpent: "Spent this month", lastWeek: "last 7 days",
		overDays: func(n int) string {
			if n == 1 {
				return "over the last day"
			}
			return "over the last " + strconv.Itoa(n) + " days"
		},
	}
}

// Word implements rules.Wording.
func (Wording) Word(f rules.Finding, lang connectors.Language) (rules.Worded, bool) {
	if f.Rule != RuleName {
		return rules.Worded{}, false
	}
	t := textsFor(lang)
	p := message.NewPrinter(t.tag)
	fl := f.Fields
	metric, kind := fl[FieldMetric], fl[FieldKind]
	u := unitCount
	switch metric {
	case MetricSpend, MetricCPC:
		u = unitMoney
	case MetricPosition:
		u = unitPosition
	}
	num := func(s string, u unit) string {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return s
		}
		return t.format(p, v, u, fl[FieldCurrency])
	}
	var w rules.Worded
	switch kind {
	case KindOverBudget, KindUnderBudget:
		w.Headline = p.Sprintf(t.pacing, num(fl[FieldObserved], unitMoney), num(fl[FieldExpected], unitMoney), signed(fl[FieldChangePct]))
		w.Subject = w.Headline
		w.Fields = append(w.Fields, rules.Labeled{Label: t.lSpent, Value: num(fl[FieldMonthToDate], unitMoney)})
		return w, fl[FieldObserved] != "" && fl[FieldExpected] != ""
	}
	where := t.where(fl)
	if where == "" {
		return rules.Worded{}, false
	}
	switch {
	case kind == KindStopped && fl[FieldDimension] != "":
		_, id, _ := strings.Cut(fl[FieldDimension], ":")
		w.Headline = p.Sprintf(t.stoppedCamp, t.named(fl[FieldDimensionName], id), t.accountName(fl))
	case kind == KindStopped:
		w.Headline = capitalise(p.Sprintf(t.stoppedAcct, where))
	case metric == MetricPosition:
		_, q, _ := strings.Cut(fl[FieldDimension], ":")
		w.Headline = p.Sprintf(t.position, q, fl[FieldAccount], num(fl[FieldObserved], unitPosition), num(fl[FieldExpected], unitPosition))
	default:
		name, ok := t.metrics[metric]
		if !ok || (kind != KindDrop && kind != KindRise) {
			return rules.Worded{}, false
		}
		verb := t.fell[metric]
		if kind == KindRise {
			verb = t.rose[metric]
		}
		pct := strings.TrimPrefix(fl[FieldChangePct], "-")
		w.Headline = p.Sprintf(t.change, name, verb, pct)
		if n, err := strconv.Atoi(fl[FieldPeriodDays]); err == nil && n > 1 && fl[FieldSource] == connectors.SourceAds {
			w.Headline += " " + t.overDays(n)
		}
		w.Headline += " — " + where
	}
	w.Subject = w.Headline
	if kind != KindStopped {
		w.Fields = append(w.Fields,
			rules.Labeled{Label: t.lActual, Value: num(fl[FieldObserved], u)},
			rules.Labeled{Label: t.lExpected, Value: num(fl[FieldExpected], u)})
		if fl[FieldPeriodDays] == "7" && fl[FieldSource] == connectors.SourceGSC {
			w.Fields = append(w.Fields, rules.Labeled{Label: t.lPeriod, Value: t.lastWeek})
		}
	}
	if since := t.date(fl[FieldSince]); since != "" {
		w.Fields = append(w.Fields, rules.Labeled{Label: t.lSince, Value: since})
	}
	if c := fl[FieldContributor]; c != "" {
		v := t.part(c, fl[FieldContributorName])
		if d := fl[FieldContributorChange]; d != "" {
			if x, err := strconv.ParseFloat(d, 64); err == nil {
				sign := "+"
				if x < 0 {
					sign = "−"
				}
				v += " (" + sign + t.format(p, math.Abs(x), u, fl[FieldCurrency]) + ")"
			}
		}
		w.Fields = append(w.Fields, rules.Labeled{Label: t.lContributor, Value: v})
	}
	return w, true
}

// where names the account or property, and the part judged.
func (t texts) where(fl map[string]string) string {
	acct := fl[FieldAccount]
	if acct == "" {
		return ""
	}
	var s string
	if fl[FieldSource] == connectors.SourceGSC {
		s = message.NewPrinter(t.tag).Sprintf(t.property, acct)
	} else {
		s = t.accountName(fl)
	}
	if d := fl[FieldDimension]; d != "" {
		s = message.NewPrinter(t.tag).Sprintf(t.inAccount, t.part(d, fl[FieldDimensionName]), s)
	}
	return s
}

// accountName names an Ads account by its descriptive name, or by its id
// when no name is stored.
func (t texts) accountName(fl map[string]string) string {
	return message.NewPrinter(t.tag).Sprintf(t.account, t.named(fl[FieldAccountName], fl[FieldAccount]))
}

// named returns name in the language's quotes, or id when name is empty.
func (t texts) named(name, id string) string {
	if name == "" {
		return id
	}
	return t.quote[0] + name + t.quote[1]
}

// part names a campaign (by name when one is stored, else by id), query
// or page ("campaign:123").
func (t texts) part(dim, name string) string {
	kind, v, _ := strings.Cut(dim, ":")
	p := message.NewPrinter(t.tag)
	switch kind {
	case "campaign":
		return p.Sprintf(t.campaign, t.named(name, v))
	case "query":
		return p.Sprintf(t.query, v)
	case "page":
		return p.Sprintf(t.page, v)
	}
	return dim
}

// format writes v in the language's way: grouped thousands, its decimal
// separator, money with cents and its currency code.
func (t texts) format(p *message.Printer, v float64, u unit, currency string) string {
	switch u {
	case unitMoney:
		s := p.Sprintf("%.2f", v)
		if currency != "" {
			s += "\u00a0" + currency
		}
		return s
	case unitPosition:
		return p.Sprintf("%.1f", v)
	}
	if v == math.Trunc(v) {
		return p.Sprintf("%.0f", v)
	}
	return p.Sprintf("%.1f", v)
}

// date writes "2026-12-01" as "1 Dec" (ru "1 дек.").
func (t texts) date(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return ""
	}
	return strconv.Itoa(d.Day()) + "\u00a0" + t.months[d.Month()-1]
}

// slavicPlural picks the Russian or Ukrainian form of a noun for n: one
// (1, 21), few (2–4, 22–24) or many (5–20, 25–30).
func slavicPlural(n int, one, few, many string) string {
	switch n10, n100 := n%10, n%100; {
	case n10 == 1 && n100 != 11:
		return one
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		return few
	}
	return many
}

func signed(pct string) string {
	if pct != "" && pct[0] != '-' {
		return "+" + pct
	}
	return strings.Replace(pct, "-", "−", 1)
}

func capitalise(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
