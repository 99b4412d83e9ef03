package deliver

import (
	"fmt"

	"github.com/liaisonhq/liaison/connectors"
)

// catalog holds one language's message texts.
type catalog struct {
	alerts       func(n int) string
	digest       string
	more         string // %d
	client       string
	severity     string
	rule         string
	due          string
	assignee     string
	status       string
	firstSeen    string // %s
	acknowledge  string
	snooze       string
	reminder     string
	escalation   string
	ackedBy      string // %s
	snoozedUntil string // %s
	resolvedAt   string // %s
	resolvedNote string // %s
	openJira     string
	openSlack    string
	open         string
	severities   [3]string
	ruleNames    map[string]string
}

// slavicPlural picks the Russian/Ukrainian plural form for n: one (1, 21),
// few (2-4, 22-24), many (0, 5-20, 25...).
func slavicPlural(n int, one, few, many string) string {
	n10, n100 := n%10, n%100
	switch {
	case n10 == 1 && n100 != 11:
		return one
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		return few
	}
	return many
}

// catalogFor returns the texts for l, English for anything unknown.
func catalogFor(l connectors.Language) catalog {
	switch l {
	case connectors.LanguageRussian:
		return catalog{
			alerts: func(n int) string {
				return fmt.Sprintf("%d %s", n, slavicPlural(n, "оповещение", "оповещения", "оповещений"))
			},
			digest: "Ежедневная сводка", more: "…и ещё %d",
			client: "Клиент", severity: "Важность", rule: "Правило", due: "Срок", assignee: "Исполнитель", status: "Статус",
			firstSeen: "Впервые замечено %s", acknowledge: "Подтвердить", snooze: "Отложить на день",
			reminder: "Напоминание: всё ещё не решено", escalation: "Эскалация: всё ещё не решено",
			ackedBy: "Подтверждено: %s", snoozedUntil: "Отложено до %s", resolvedAt: "Решено %s",
			resolvedNote: "Решено: %s", openJira: "Открыть в Jira", openSlack: "Открыть в Slack", open: "Открыть",
			severities: [3]string{"Информация", "Предупреждение", "Критично"},
			ruleNames: map[string]string{"deadline": "Сроки", "workload": "Нагрузка", "redirect": "Клиент пишет специалисту",
				"response": "Клиент без ответа", "questions": "Вопросы клиента", "outofhours": "Вне рабочего времени",
				"faq": "Подсказка из базы ответов", "checklists": "Чек-листы"},
		}
	case connectors.LanguageUkrainian:
		return catalog{
			alerts: func(n int) string {
				return fmt.Sprintf("%d %s", n, slavicPlural(n, "сповіщення", "сповіщення", "сповіщень"))
			},
			digest: "Щоденне зведення", more: "…і ще %d",
			client: "Клієнт", severity: "Важливість", rule: "Правило", due: "Термін", assignee: "Виконавець", status: "Статус",
			firstSeen: "Вперше помічено %s", acknowledge: "Підтвердити", snooze: "Відкласти на день",
			reminder: "Нагадування: досі не вирішено", escalation: "Ескалація: досі не вирішено",
			ackedBy: "Підтверджено: %s", snoozedUntil: "Відкладено до %s", resolvedAt: "Вирішено %s",
			resolvedNote: "Вирішено: %s", openJira: "Відкрити в Jira", openSlack: "Відкрити в Slack", open: "Відкрити",
			severities: [3]string{"Інформація", "Попередження", "Критично"},
			ruleNames: map[string]string{"deadline": "Терміни", "workload": "Навантаження", "redirect": "Клієнт пише спеціалісту",
				"response": "Клієнт без відповіді", "questions": "Питання клієнта", "outofhours": "Поза робочим часом",
				"faq": "Підказка з бази відповідей", "checklists": "Чек-листи"},
		}
	}
	return catalog{
		alerts: func(n int) string {
			if n == 1 {
				return "1 alert"
			}
			return fmt.Sprintf("%d alerts", n)
		},
		digest: "Daily digest", more: "…and %d more",
		client: "Client", severity: "Severity", rule: "Rule", due: "Due", assignee: "Assignee", status: "Status",
		firstSeen: "First seen %s", acknowledge: "Acknowledge", snooze: "Snooze 1 day",
		reminder: "Reminder: still open", escalation: "Escalated: still open",
		ackedBy: "Acknowledged by %s", snoozedUntil: "Snoozed until %s", resolvedAt: "Resolved %s",
		resolvedNote: "Resolved: %s", openJira: "Open in Jira", openSlack: "Open in Slack", open: "Open",
		severities: [3]string{"Info", "Warning", "Critical"},
		ruleNames: map[string]string{"deadline": "Deadlines", "workload": "Workload", "redirect": "Client wrote to a specialist",
			"response": "Client waiting for an answer", "questions": "Client questions", "outofhours": "Out of hours",
			"faq": "Answer base suggestion", "checklists": "Checklists"},
	}
}

func (c catalog) ruleName(rule string) string {
	if n, ok := c.ruleNames[rule]; ok {
		return n
	}
	return rule
}
