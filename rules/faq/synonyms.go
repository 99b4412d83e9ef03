package faq

import (
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
отчет отчёт репорт отчетность отчётность звіт звітність репорт report reporting recap
остановить остановите приостановить выключить выключите отключить отключите паузу пауза зупинити зупиніть призупинити вимкнути вимкніть пауза pause stop
кабинет аккаунт акаунт кабінет account
счет счёт инвойс рахунок інвойс invoice bill
созвон созвониться звонок зідзвон зідзвонитися дзвінок call
позиции позиції rankings positions
`

// Synonyms returns the shipped domain synonym groups.
func Synonyms() [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(domainSynonyms), "\n") {
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
			for _, w := range g {
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
