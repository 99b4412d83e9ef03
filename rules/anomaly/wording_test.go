package anomaly

import (
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

func TestWording(t *testing.T) {
	spend := rules.Finding{Rule: RuleName, Fields: map[string]string{
		FieldKind: KindDrop, FieldMetric: MetricSpend, FieldSource: connectors.SourceAds, FieldAccount: "1234567890",
		FieldObserved: "1234.5", FieldExpected: "3086.25", FieldChangePct: "-60", FieldSince: "2026-12-01",
		FieldContributor: "campaign:111", FieldContributorChange: "-1500", FieldCurrency: "EUR"}}
	stopped := rules.Finding{Rule: RuleName, Fields: map[string]string{
		FieldKind: KindStopped, FieldMetric: MetricServing, FieldSource: connectors.SourceAds, FieldAccount: "1234567890",
		FieldDimension: "campaign:111", FieldObserved: "0", FieldExpected: "5000", FieldSince: "2026-12-01"}}
	named := func(f rules.Finding, extra map[string]string) rules.Finding {
		g := rules.Finding{Rule: f.Rule, Fields: map[string]string{}}
		for k, v := range f.Fields {
			g.Fields[k] = v
		}
		for k, v := range extra {
			g.Fields[k] = v
		}
		return g
	}
	spendNamed := named(spend, map[string]string{FieldAccountName: "Acme UA", FieldContributorName: "Brand — Search"})
	// The campaign judged has a name, the account none: the id stands in.
	campaignNamed := named(spend, map[string]string{FieldDimension: "campaign:222", FieldDimensionName: "Shopping UA",
		FieldContributor: "", FieldContributorChange: ""})
	stoppedNamed := named(stopped, map[string]string{FieldAccountName: "Acme UA", FieldDimensionName: "Brand — Search"})
	window := rules.Finding{Rule: RuleName, Fields: map[string]string{
		FieldKind: KindDrop, FieldMetric: MetricConversions, FieldSource: connectors.SourceAds, FieldAccount: "1234567890",
		FieldAccountName: "Acme UA", FieldObserved: "12", FieldExpected: "21.4", FieldChangePct: "-44", FieldPeriodDays: "3",
		FieldSince: "2026-11-28"}}
	window7 := named(window, map[string]string{FieldPeriodDays: "7", FieldObserved: "30", FieldExpected: "49.5", FieldChangePct: "-39"})
	position := rules.Finding{Rule: RuleName, Fields: map[string]string{
		FieldKind: KindDrop, FieldMetric: MetricPosition, FieldSource: connectors.SourceGSC, FieldAccount: "sc-domain:shop.example",
		FieldDimension: "query:running shoes", FieldObserved: "9.2", FieldExpected: "2.1", FieldPeriodDays: "7", FieldSince: "2026-11-22"}}
	pacing := rules.Finding{Rule: RuleName, Fields: map[string]string{
		FieldKind: KindOverBudget, FieldMetric: MetricSpend, FieldSource: connectors.SourceAds,
		FieldObserved: "14250", FieldExpected: "12000", FieldChangePct: "19", FieldMonthToDate: "9500", FieldCurrency: "UAH"}}
	tests := []struct {
		lang connectors.Language
		f    rules.Finding
		want string
	}{
		{connectors.LanguageEnglish, spend, "Spend fell by 60% — Google Ads account 1234567890 | Actual: 1,234.50 EUR | Expected: 3,086.25 EUR | Since: 1 Dec | Biggest contributor: campaign 111 (−1,500.00 EUR)"},
		{connectors.LanguageRussian, spend, "Расход упал на 60% — аккаунт Google Ads 1234567890 | Факт: 1 234,50 EUR | Ожидалось: 3 086,25 EUR | С: 1 дек. | Больше всего повлияли: кампания 111 (−1 500,00 EUR)"},
		{connectors.LanguageUkrainian, spend, "Витрати впали на 60% — акаунт Google Ads 1234567890 | Факт: 1 234,50 EUR | Очікувалося: 3 086,25 EUR | З: 1 груд. | Найбільше вплинули: кампанія 111 (−1 500,00 EUR)"},
		{connectors.LanguageEnglish, stopped, "Campaign 111 stopped serving (Google Ads account 1234567890) | Since: 1 Dec"},
		{connectors.LanguageRussian, stopped, "Кампания 111 перестала показываться (аккаунт Google Ads 1234567890) | С: 1 дек."},
		{connectors.LanguageUkrainian, stopped, "Кампанія 111 перестала показуватися (акаунт Google Ads 1234567890) | З: 1 груд."},
		{connectors.LanguageEnglish, spendNamed, "Spend fell by 60% — Google Ads account “Acme UA” | Actual: 1,234.50 EUR | Expected: 3,086.25 EUR | Since: 1 Dec | Biggest contributor: campaign “Brand — Search” (−1,500.00 EUR)"},
		{connectors.LanguageRussian, spendNamed, "Расход упал на 60% — аккаунт Google Ads «Acme UA» | Факт: 1 234,50 EUR | Ожидалось: 3 086,25 EUR | С: 1 дек. | Больше всего повлияли: кампания «Brand — Search» (−1 500,00 EUR)"},
		{connectors.LanguageUkrainian, spendNamed, "Витрати впали на 60% — акаунт Google Ads «Acme UA» | Факт: 1 234,50 EUR | Очікувалося: 3 086,25 EUR | З: 1 груд. | Найбільше вплинули: кампанія «Brand — Search» (−1 500,00 EUR)"},
		{connectors.LanguageEnglish, campaignNamed, "Spend fell by 60% — campaign “Shopping UA”, Google Ads account 1234567890 | Actual: 1,234.50 EUR | Expected: 3,086.25 EUR | Since: 1 Dec"},
		{connectors.LanguageRussian, campaignNamed, "Расход упал на 60% — кампания «Shopping UA», аккаунт Google Ads 1234567890 | Факт: 1 234,50 EUR | Ожидалось: 3 086,25 EUR | С: 1 дек."},
		{connectors.LanguageUkrainian, campaignNamed, "Витрати впали на 60% — кампанія «Shopping UA», акаунт Google Ads 1234567890 | Факт: 1 234,50 EUR | Очікувалося: 3 086,25 EUR | З: 1 груд."},
		{connectors.LanguageEnglish, stoppedNamed, "Campaign “Brand — Search” stopped serving (Google Ads account “Acme UA”) | Since: 1 Dec"},
		{connectors.LanguageRussian, stoppedNamed, "Кампания «Brand — Search» перестала показываться (аккаунт Google Ads «Acme UA») | С: 1 дек."},
		{connectors.LanguageUkrainian, stoppedNamed, "Кампанія «Brand — Search» перестала показуватися (акаунт Google Ads «Acme UA») | З: 1 груд."},
		{connectors.LanguageEnglish, window, "Conversions fell by 44% over the last 3 days — Google Ads account “Acme UA” | Actual: 12 | Expected: 21.4 | Since: 28 Nov"},
		{connectors.LanguageRussian, window, "Конверсии упали на 44% за последние 3 дня — аккаунт Google Ads «Acme UA» | Факт: 12 | Ожидалось: 21,4 | С: 28 нояб."},
		{connectors.LanguageUkrainian, window, "Конверсії впали на 44% за останні 3 дні — акаунт Google Ads «Acme UA» | Факт: 12 | Очікувалося: 21,4 | З: 28 лист."},
		{connectors.LanguageEnglish, window7, "Conversions fell by 39% over the last 7 days — Google Ads account “Acme UA” | Actual: 30 | Expected: 49.5 | Since: 28 Nov"},
		{connectors.LanguageRussian, window7, "Конверсии упали на 39% за последние 7 дней — аккаунт Google Ads «Acme UA» | Факт: 30 | Ожидалось: 49,5 | С: 28 нояб."},
		{connectors.LanguageUkrainian, window7, "Конверсії впали на 39% за останні 7 днів — акаунт Google Ads «Acme UA» | Факт: 30 | Очікувалося: 49,5 | З: 28 лист."},
		{connectors.LanguageEnglish, position, "Query “running shoes” slipped in search (sc-domain:shop.example): average position 9.2 against a usual 2.1 | Actual: 9.2 | Expected: 2.1 | Period: last 7 days | Since: 22 Nov"},
		{connectors.LanguageUkrainian, pacing, "Витрати Google Ads ідуть до 14 250,00 UAH за місяць при бюджеті 12 000,00 UAH (+19%) | Витрачено цього місяця: 9 500,00 UAH"},
	}
	for _, tt := range tests {
		w, ok := Wording{}.Word(tt.f, tt.lang)
		if !ok {
			t.Errorf("%s %s: not worded", tt.lang, tt.f.Fields[FieldKind])
			continue
		}
		parts := []string{w.Headline}
		for _, l := range w.Fields {
			parts = append(parts, l.Label+": "+l.Value)
		}
		got := strings.ReplaceAll(strings.Join(parts, " | "), "\u00a0", " ")
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.lang, got, tt.want)
		}
	}
	if _, ok := (Wording{}).Word(rules.Finding{Rule: "deadline"}, connectors.LanguageEnglish); ok {
		t.Error("worded another rule's finding")
	}
	if _, ok := (Wording{}).Word(rules.Finding{Rule: RuleName, Fields: map[string]string{FieldKind: KindDrop}}, connectors.LanguageEnglish); ok {
		t.Error("worded a finding without its fields")
	}
}
