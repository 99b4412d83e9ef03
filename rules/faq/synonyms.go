package faq

import (
	_ "embed"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// domainSynonyms are words an SEO/PPC agency's clients use for the same
// thing, one group a line, in ru, uk and en (a group may mix languages:
// each word is stemmed in every language and joins the group there).
// Words that mean the same only sometimes ("трафик" is not always
// organic) stay out: a wrong synonym joins topics that should stay apart.
const domainSynonyms = `
лиды лид заявки заявка обращения обращение лідів ліди заявки звернення leads lead enquiries enquiry inquiries inquiry
органика органический органіка органічний organic
отчет отчёт отчетик отчётик репорт отчетность отчётность звіт звітик звітність репорт report reporting recap
остановить остановите приостановить выключить выключите отключить отключите паузу пауза зупинити зупиніть призупинити вимкнути вимкніть пауза pause stop
кабинет аккаунт акаунт кабінет account
счет счёт инвойс рахунок інвойс invoice bill
созвон созвониться созвонимся созвонимтесь созвонитесь звонок зідзвон зідзвонитися зідзвонимося зідзвонимось дзвінок call zoom встреча встречу встречи зустріч зустрічі meeting
увеличить увеличьте поднять поднимите повысить повысьте збільшити збільшіть підняти підніміть підвищити підвищте increase raise
уменьшить уменьшите урезать урежьте снизить снизьте сократить сократите зменшити зменшіть знизити знизьте скоротити скоротіть урізати уріжте reduce lower cut decrease
позиции позиції rankings positions ранжирование ранжироваться ранжування ранжуватися rank ranking
клик клики кликов клік кліки кліків click clicks
дорогой дорого дороже подорожал подорожала подорожали дорогий дорожче подорожчав подорожчала подорожчали дорожает дорожают дорожчає дорожчають expensive pricey pricier costly
seo сео сеошка сеошку сеошки
facebook фейсбук фейсбуке фейсбуці фб
tiktok тикток тиктоке тікток
instagram инстаграм инстаграме інстаграм інстаграмі инста
site website
реклама контекст контекстная контекстну ppc
таблица таблиця табличка spreadsheet sheet
посещаемость відвідуваність traffic
лендинг лендінг лендос landing
budget spend
schedule book arrange
`

// conceptLexicon is the shipped concept lexicon (langdata/concepts.txt):
// words that mean one thing to an agency's client across ru, uk and en
// ("реквизиты", "реквізити"; "урезать", "trim"; "трафик", "visits"), one
// concept a line, "#" starting a comment. It widens the synonym groups
// above with the paraphrases clients use, so a message and a phrasing
// that say one thing in different words share a concept, which counts
// less than a shared word (params.conceptWeight).
//
//go:embed langdata/concepts.txt
var conceptLexicon string

// Synonyms returns the shipped domain synonym groups.
func Synonyms() [][]string {
	return groups(domainSynonyms)
}

// Concepts returns the shipped concept lexicon's groups.
func Concepts() [][]string {
	return groups(conceptLexicon)
}

// conceptMap maps, per language, each term of a concept group (after
// synonyms) to the concept, named by its first word's term. A term keeps
// the first concept that lists it.
func (ix *Index) conceptMap(groups [][]string) map[connectors.Language]map[string]string {
	out := map[connectors.Language]map[string]string{}
	for _, lang := range connectors.Languages() {
		m := map[string]string{}
		for _, g := range groups {
			head := ""
			for _, w := range inflections(g, lang) {
				ts := Terms(w, lang)
				if len(ts) != 1 {
					continue
				}
				t := ix.canonical(ts[0], lang)
				if head == "" {
					head = "~" + t
				}
				if _, ok := m[t]; !ok {
					m[t] = head
				}
			}
		}
		out[lang] = m
	}
	return out
}

// groups parses one group a line, skipping blank and "#" lines.
func groups(text string) [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if g := strings.Fields(line); len(g) > 1 {
			out = append(out, g)
		}
	}
	return out
}

// synonymMap maps, per language, each word's stem to the stem of its
// group's first word. Groups sharing a word merge into the first.
func synonymMap(groups [][]string) map[connectors.Language]map[string]string {
	out := map[connectors.Language]map[string]string{}
	for _, lang := range connectors.Languages() {
		m := map[string]string{}
		for _, g := range groups {
			head := ""
			for _, w := range inflections(g, lang) {
				ts := Terms(w, lang)
				if len(ts) != 1 {
					continue
				}
				t := ts[0]
				if head == "" {
					head = t
					if c, ok := m[t]; ok {
						head = c
					}
				}
				if _, ok := m[t]; !ok && t != head {
					m[t] = head
				}
			}
		}
		out[lang] = m
	}
	return out
}

// caseEndings are the noun endings of Russian and Ukrainian cases. A
// synonym list names a word once ("заявки"); clients write "заявок",
// "заявками", "заявку", whose stems differ. Each Cyrillic word of a group
// is joined by its stem with these endings, so every form of it joins the
// group.
var caseEndings = map[connectors.Language][]string{
	connectors.LanguageRussian:   {"", "а", "я", "ы", "и", "у", "ю", "е", "ом", "ем", "ой", "ей", "ам", "ям", "ами", "ями", "ах", "ях", "ов", "ев", "ий", "ь"},
	connectors.LanguageUkrainian: {"", "а", "я", "и", "і", "у", "ю", "е", "ом", "ем", "ою", "ею", "ам", "ям", "ами", "ями", "ах", "ях", "ів", "їв", "ей", "ь", "ї"},
}

// inflections returns the words of a synonym group followed by the case
// forms of its Cyrillic words, including those with a fleeting vowel
// ("заявка", "заявок"; "звонок", "звонка").
func inflections(group []string, lang connectors.Language) []string {
	ends := caseEndings[lang]
	out := append([]string(nil), group...)
	if ends == nil {
		return out
	}
	for _, w := range group {
		r := []rune(strings.ToLower(w))
		if len(r) < 4 || !isCyrillic(r[0]) || strings.HasSuffix(w, "ть") || strings.HasSuffix(w, "ти") || strings.HasSuffix(w, "те") {
			continue // verbs keep their forms: a noun ending makes no verb
		}
		base := strings.TrimRight(string(r), "аяыиіїуюеоьй")
		bases := []string{base}
		br := []rune(base)
		if n := len(br); n >= 3 {
			switch {
			case br[n-1] == 'к' && !strings.ContainsRune("аеиоуыэюяіїє", br[n-2]):
				// заявк → заявок
				bases = append(bases, string(br[:n-1])+"ок")
			case (br[n-2] == 'о' || br[n-2] == 'е') && br[n-1] == 'к':
				// звонок → звонк
				bases = append(bases, string(br[:n-2])+"к")
			}
		}
		for _, b := range bases {
			for _, e := range ends {
				out = append(out, b+e)
			}
		}
	}
	return out
}

func isCyrillic(r rune) bool {
	return r >= 'а' && r <= 'я' || r == 'і' || r == 'ї' || r == 'є' || r == 'ґ' || r == 'ё'
}
