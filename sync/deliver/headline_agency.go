package deliver

import (
	"fmt"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/questions"
	"github.com/liaisonhq/liaison/rules/workload"
)

// agencyCopy is the wording of findings about the agency's own work: people's
// load and answered questions. %s verbs in order as noted.
type agencyCopy struct {
	overloaded     string // person
	loadDetail     string // remaining hours, available hours, utilisation %
	tooManyClients string // person, active clients, limit
	answersReady   string // task key
	labelClients   string
	labelOpenTasks string
	labelQuestions string
}

func agencyCatalog(lang connectors.Language) agencyCopy {
	switch lang {
	case connectors.LanguageRussian:
		return agencyCopy{
			overloaded:     "Перегрузка: %s",
			loadDetail:     ": %s ч оценки на %s ч рабочего времени (%s%%)",
			tooManyClients: "У %s %s активных клиентов при лимите %s",
			answersReady:   "Специалист ответил на вопросы клиента в %s — передайте ответы клиенту",
			labelClients:   "Клиенты",
			labelOpenTasks: "Открытые задачи",
			labelQuestions: "Вопросы",
		}
	case connectors.LanguageUkrainian:
		return agencyCopy{
			overloaded:     "Перевантаження: %s",
			loadDetail:     ": %s год оцінки на %s год робочого часу (%s%%)",
			tooManyClients: "У %s %s активних клієнтів за ліміту %s",
			answersReady:   "Спеціаліст відповів на запитання клієнта в %s — передайте відповіді клієнту",
			labelClients:   "Клієнти",
			labelOpenTasks: "Відкриті задачі",
			labelQuestions: "Запитання",
		}
	default:
		return agencyCopy{
			overloaded:     "%s is overloaded",
			loadDetail:     ": %s h of estimates for %s working hours (%s%%)",
			tooManyClients: "%s leads %s active clients, over the limit of %s",
			answersReady:   "The specialist answered the client's questions in %s — relay the answers to the client",
			labelClients:   "Clients",
			labelOpenTasks: "Open tasks",
			labelQuestions: "Questions",
		}
	}
}

// workloadHeadline names a person's load.
func (r rendering) workloadHeadline(f rules.Finding) (headline, bool) {
	c := r.cat.agency
	name := f.Fields[workload.FieldPersonName]
	if name == "" {
		return headline{}, false
	}
	var s string
	switch f.Fields[workload.FieldKind] {
	case workload.KindTooManyClients:
		s = fmt.Sprintf(c.tooManyClients, name, f.Fields[workload.FieldActiveClients], f.Fields[workload.FieldMaxClients])
	case workload.KindOverloaded:
		s = fmt.Sprintf(c.overloaded, name)
		if u := f.Fields[workload.FieldUtilization]; u != "" {
			s += fmt.Sprintf(c.loadDetail, f.Fields[workload.FieldRemainingHours], f.Fields[workload.FieldAvailableHours], u)
		}
	default:
		return headline{}, false
	}
	s = escape(s)
	return headline{text: s, plain: s, subject: escape(fmt.Sprintf(c.overloaded, name))}, true
}

// questionsHeadline tells the AM that a batch of forwarded questions has
// its answers.
func (r rendering) questionsHeadline(f rules.Finding) (headline, bool) {
	if f.Subject.ID == "" {
		return headline{}, false
	}
	c := r.cat.agency
	plain := escape(fmt.Sprintf(c.answersReady, f.Subject.ID))
	text := plain
	if f.Subject.URL != "" {
		// Escape the words, not the link: Slack reads <url|label> as markup.
		link := "<" + f.Subject.URL + "|" + escape(f.Subject.ID) + ">"
		text = strings.Replace(plain, escape(f.Subject.ID), link, 1)
	}
	return headline{text: text, plain: plain, subject: f.Subject.ID}, true
}

// agencyFields shows what a workload or questions finding adds below its
// headline: whom it concerns, not the figures the headline already gives.
func (r rendering) agencyFields(v view) []shown {
	f, c := v.f.Fields, r.cat.agency
	var out []shown
	if v.f.Rule == questions.RuleName {
		// One link a question, numbered as in the Jira task.
		var links []string
		for i, line := range strings.Split(f[questions.FieldQuestions], "\n") {
			if u := lastField(line); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
				links = append(links, fmt.Sprintf("<%s|%d>", u, i+1))
			}
		}
		if len(links) > 0 {
			out = append(out, shown{c.labelQuestions, strings.Join(links, " · ")})
		}
	}
	if v.f.Rule == workload.RuleName {
		if names := f[workload.FieldClientNames]; names != "" {
			out = append(out, shown{c.labelClients, escape(names)})
		}
		if open, max := f[workload.FieldOpenTasks], f[workload.FieldMaxOpenTasks]; open != "" && max != "" {
			out = append(out, shown{c.labelOpenTasks, escape(open + " / " + max)})
		}
	}
	return out
}

func lastField(s string) string {
	fs := strings.Fields(s)
	if len(fs) == 0 {
		return ""
	}
	return fs[len(fs)-1]
}
