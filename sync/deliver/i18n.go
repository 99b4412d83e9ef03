package deliver

import (
	"fmt"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// catalog holds one language's message texts. Formats name their verbs in
// comments; functions stand in where a count or a list changes the words.
type catalog struct {
	agency       agencyCopy // findings about the agency's own work
	alerts       func(n int) string
	digest       string
	headerClient string // %s · %s: header, client name
	more         string // %d
	firstSeen    string // %s
	acknowledge  string
	snooze       string
	// askSpecialist forwards a redirected client question to the specialist.
	askSpecialist string
	reminder      string
	escalation    string
	ackedBy       string // %s
	snoozedUntil  string // %s
	resolvedAt    string // %s
	resolvedNote  string // %s
	changedNote   string // %s: the finding's headline as it is now
	openJira      string
	openMessage   string
	openSlack     string
	open          string

	dates dateNames

	// Deadline headlines; the first verb is the task ("ACME-2 «Summary»").
	task            string // %s %s: key, summary
	dueToday        string // %s (%s): task, date
	dueTomorrow     string // %s (%s): task, date
	dueOn           string // %s %s (%s): task, "on Friday", day and month
	dueIn           string // %s %s (%s): task, workingDays(n), date
	dueDate         string // %s %s: task, date
	wasDueYesterday string // %s (%s): task, date
	overdueBy       string // %s %s (%s): task, days(n), date
	noDueDate       string // %s: task
	escalatesTo     string // %s %s: who, when (an escalation that will happen)
	escalatedTo     string // %s %s: who, when (one that did)
	wroteDirectly   func(client string, specialists []string) string
	waitingFor      string // %s %s: client, duration
	waitingNoTime   string // %s: client
	days            func(n int) string
	workingDays     func(n int) string
	hoursMinutes    [2]string // %d: hours, minutes
	ofWorkingTime   string    // %s: duration
	labelClient     string
	labelAssignee   string
	labelDue        string
	labelStatus     string
	labelTimeLeft   string
	labelOverdueBy  string
	labelSpecialist [2]string // one, several
	labelAM         string
	labelWaiting    string
	labelFirstMsg   string
	labelMessages   string
	genericLabels   map[string]string
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

// counted returns "n word" with the word in the right Slavic form.
func counted(one, few, many string) func(int) string {
	return func(n int) string { return fmt.Sprintf("%d %s", n, slavicPlural(n, one, few, many)) }
}

// englishCounted returns "1 word" or "n words".
func englishCounted(one, many string) func(int) string {
	return func(n int) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
}

// catalogFor returns the texts for l, English for anything unknown.
func catalogFor(l connectors.Language) catalog {
	var c catalog
	switch l {
	case connectors.LanguageRussian:
		c = russian()
	case connectors.LanguageUkrainian:
		c = ukrainian()
	default:
		c = english()
	}
	c.agency = agencyCatalog(l)
	return c
}

func english() catalog {
	return catalog{
		alerts: englishCounted("alert", "alerts"), digest: "Daily digest", headerClient: "%s · %s", more: "…and %d more",
		firstSeen: "First seen %s", acknowledge: "Acknowledge", snooze: "Snooze 1 day", askSpecialist: "Ask the specialist",
		reminder: "Reminder: still open", escalation: "Escalated: still open",
		ackedBy: "Acknowledged by %s", snoozedUntil: "Snoozed until %s", resolvedAt: "Resolved %s",
		resolvedNote: "Resolved: %s", changedNote: "Now: %s", openJira: "Open in Jira", openMessage: "Open message", openSlack: "Open in Slack", open: "Open",
		dates: dateNames{
			weekdays:  [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
			months:    [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
			onWeekday: [7]string{"on Sunday", "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday"},
			dayMonth:  "%d %s", withWeekday: "%s %s", withYear: "%s %d",
			dateTime: "%s, %s",
		},
		task:     "%s “%s”",
		dueToday: "%s is due today (%s)", dueTomorrow: "%s is due tomorrow (%s)", dueOn: "%s is due %s (%s)",
		dueIn: "%s is due in %s (%s)", dueDate: "%s is due %s", wasDueYesterday: "%s was due yesterday (%s)",
		overdueBy: "%s is %s overdue (due %s)", noDueDate: "%s is in progress without a due date",
		escalatesTo: "escalates to %s on %s", escalatedTo: "escalated to %s on %s",
		wroteDirectly: func(client string, specs []string) string {
			return client + " wrote to " + englishList(specs) + " directly"
		},
		waitingFor: "%s has been waiting %s for a reply", waitingNoTime: "%s is waiting for a reply",
		days: englishCounted("day", "days"), workingDays: englishCounted("working day", "working days"),
		hoursMinutes: [2]string{"%dh", "%dm"}, ofWorkingTime: "%s of working time",
		labelClient: "Client", labelAssignee: "Assignee", labelDue: "Due", labelStatus: "Status",
		labelTimeLeft: "Time left", labelOverdueBy: "Overdue by", labelSpecialist: [2]string{"Specialist", "Specialists"},
		labelAM: "Account manager", labelWaiting: "Waiting", labelFirstMsg: "First message", labelMessages: "Messages",
		genericLabels: map[string]string{"week": "Week", "questions": "Questions", "specialist_name": "Specialist"},
	}
}

func russian() catalog {
	return catalog{
		alerts: counted("оповещение", "оповещения", "оповещений"), digest: "Ежедневная сводка", headerClient: "%s · %s", more: "…и ещё %d",
		firstSeen: "Впервые замечено %s", acknowledge: "Подтвердить", snooze: "Отложить на день", askSpecialist: "Спросить специалиста",
		reminder: "Напоминание: всё ещё не решено", escalation: "Эскалация: всё ещё не решено",
		ackedBy: "Подтверждено: %s", snoozedUntil: "Отложено до %s", resolvedAt: "Решено %s",
		resolvedNote: "Решено: %s", changedNote: "Теперь: %s", openJira: "Открыть в Jira", openMessage: "Открыть сообщение", openSlack: "Открыть в Slack", open: "Открыть",
		dates: dateNames{
			weekdays:  [7]string{"вс", "пн", "вт", "ср", "чт", "пт", "сб"},
			months:    [12]string{"янв.", "февр.", "мар.", "апр.", "мая", "июн.", "июл.", "авг.", "сент.", "окт.", "нояб.", "дек."},
			onWeekday: [7]string{"в воскресенье", "в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу"},
			dayMonth:  "%d %s", withWeekday: "%s, %s", withYear: "%s %d г.",
			dateTime: "%s, %s",
		},
		task:     "%s «%s»",
		dueToday: "%s: срок сегодня (%s)", dueTomorrow: "%s: срок завтра (%s)", dueOn: "%s: срок %s (%s)",
		dueIn: "%s: срок через %s (%s)", dueDate: "%s: срок — %s", wasDueYesterday: "%s: срок был вчера (%s)",
		overdueBy: "%s: просрочено на %s (срок — %s)", noDueDate: "%s: в работе без срока",
		escalatesTo: "будет эскалировано: %s, %s", escalatedTo: "эскалировано: %s, %s",
		wroteDirectly: func(client string, specs []string) string {
			who := "специалисту"
			if len(specs) > 1 {
				who = "специалистам"
			}
			return "Клиент " + client + " написал напрямую " + who + " (" + strings.Join(specs, ", ") + ")"
		},
		waitingFor: "%s ждёт ответа уже %s", waitingNoTime: "%s ждёт ответа",
		days: counted("день", "дня", "дней"), workingDays: counted("рабочий день", "рабочих дня", "рабочих дней"),
		hoursMinutes: [2]string{"%d ч", "%d мин"}, ofWorkingTime: "%s рабочего времени",
		labelClient: "Клиент", labelAssignee: "Исполнитель", labelDue: "Срок", labelStatus: "Статус",
		labelTimeLeft: "Осталось", labelOverdueBy: "Просрочено на", labelSpecialist: [2]string{"Специалист", "Специалисты"},
		labelAM: "Аккаунт-менеджер", labelWaiting: "Ожидает ответа", labelFirstMsg: "Первое сообщение", labelMessages: "Сообщений",
		genericLabels: map[string]string{"week": "Неделя", "questions": "Вопросы", "specialist_name": "Специалист"},
	}
}

func ukrainian() catalog {
	return catalog{
		alerts: counted("сповіщення", "сповіщення", "сповіщень"), digest: "Щоденне зведення", headerClient: "%s · %s", more: "…і ще %d",
		firstSeen: "Вперше помічено %s", acknowledge: "Підтвердити", snooze: "Відкласти на день", askSpecialist: "Запитати спеціаліста",
		reminder: "Нагадування: досі не вирішено", escalation: "Ескалація: досі не вирішено",
		ackedBy: "Підтверджено: %s", snoozedUntil: "Відкладено до %s", resolvedAt: "Вирішено %s",
		resolvedNote: "Вирішено: %s", changedNote: "Тепер: %s", openJira: "Відкрити в Jira", openMessage: "Відкрити повідомлення", openSlack: "Відкрити в Slack", open: "Відкрити",
		dates: dateNames{
			weekdays:  [7]string{"нд", "пн", "вт", "ср", "чт", "пт", "сб"},
			months:    [12]string{"січ.", "лют.", "бер.", "квіт.", "трав.", "черв.", "лип.", "серп.", "вер.", "жовт.", "лист.", "груд."},
			onWeekday: [7]string{"у неділю", "у понеділок", "у вівторок", "у середу", "у четвер", "у п’ятницю", "у суботу"},
			dayMonth:  "%d %s", withWeekday: "%s, %s", withYear: "%s %d р.",
			dateTime: "%s, %s",
		},
		task:     "%s «%s»",
		dueToday: "%s: термін сьогодні (%s)", dueTomorrow: "%s: термін завтра (%s)", dueOn: "%s: термін %s (%s)",
		dueIn: "%s: термін через %s (%s)", dueDate: "%s: термін — %s", wasDueYesterday: "%s: термін був учора (%s)",
		overdueBy: "%s: прострочено на %s (термін — %s)", noDueDate: "%s: у роботі без терміну",
		escalatesTo: "буде ескальовано: %s, %s", escalatedTo: "ескальовано: %s, %s",
		wroteDirectly: func(client string, specs []string) string {
			who := "спеціалісту"
			if len(specs) > 1 {
				who = "спеціалістам"
			}
			return "Клієнт " + client + " написав напряму " + who + " (" + strings.Join(specs, ", ") + ")"
		},
		waitingFor: "%s чекає на відповідь уже %s", waitingNoTime: "%s чекає на відповідь",
		days: counted("день", "дні", "днів"), workingDays: counted("робочий день", "робочі дні", "робочих днів"),
		hoursMinutes: [2]string{"%d год", "%d хв"}, ofWorkingTime: "%s робочого часу",
		labelClient: "Клієнт", labelAssignee: "Виконавець", labelDue: "Термін", labelStatus: "Статус",
		labelTimeLeft: "Залишилось", labelOverdueBy: "Прострочено на", labelSpecialist: [2]string{"Спеціаліст", "Спеціалісти"},
		labelAM: "Акаунт-менеджер", labelWaiting: "Очікує відповіді", labelFirstMsg: "Перше повідомлення", labelMessages: "Повідомлень",
		genericLabels: map[string]string{"week": "Тиждень", "questions": "Питання", "specialist_name": "Спеціаліст"},
	}
}

// englishList joins names as "A", "A and B", "A, B and C".
func englishList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
