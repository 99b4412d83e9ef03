package deliver

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

const (
	en = connectors.LanguageEnglish
	ru = connectors.LanguageRussian
	uk = connectors.LanguageUkrainian
)

// deadlineFinding is a finding as rules/deadline builds it for a task of
// acme's assigned to sergey; due may be "" for no_due_date.
func deadlineFinding(key, kind, due string, sev rules.Severity, extra map[string]string) rules.Finding {
	subj := rules.Subject{Kind: rules.SubjectTask, ID: key, URL: "https://agency.atlassian.net/browse/" + key}
	fields := map[string]string{"kind": kind, "task_key": key, "summary": "Monthly SEO report draft", "status": "In Progress",
		"client_name": "Acme", "am": "anna", FieldAssignee: "acc-sergey", "assignee": "sergey"}
	if due != "" {
		fields["due_date"] = due
	}
	for k, v := range extra {
		fields[k] = v
	}
	return rules.Finding{Key: rules.Key("deadline", "acme", subj, kind+":"+due), Rule: "deadline", ClientID: "acme",
		Subject: subj, Severity: sev, Title: key + " is " + kind, Fields: fields}
}

// redirectFinding is a finding as rules/redirect builds it.
func redirectFinding(ids, names, text string) rules.Finding {
	subj := rules.Subject{Kind: rules.SubjectMessage, ID: "C0ACMEEXT1/1791183700.000200",
		URL: "https://agency.slack.com/archives/C0ACMEEXT1/p1791183700000200"}
	return rules.Finding{Key: rules.Key("redirect", "acme", subj, "direct"), Rule: "redirect", ClientID: "acme",
		Subject: subj, Severity: rules.SeverityWarning, Title: "Acme wrote to " + names + " directly",
		Fields: map[string]string{"client_name": "Acme", "specialist": ids, "specialist_name": names, "am": "anna",
			"am_name": "Anna", "text": text, "permalink": subj.URL, "channel": "C0ACMEEXT1", "ts": "1791183700.000200",
			"thread_ts": "1791183700.000200", "reason": "mention"}}
}

func responseFinding(waited, escalated string) rules.Finding {
	f := rules.Finding{Key: "response:x", Rule: "response", ClientID: "acme", Severity: rules.SeverityWarning,
		Subject: rules.Subject{Kind: rules.SubjectMessage, ID: "C0ACMEEXT1/1.2"}, Title: "Acme is waiting for a reply",
		Fields: map[string]string{"client_name": "Acme", "waited": waited, "text": "ping", "since": "2026-11-30T06:00:00Z"}}
	if escalated != "" {
		f.Fields["escalated"] = escalated
	}
	return f
}

func TestHeadlines(t *testing.T) {
	kyiv := Kyiv(t)
	monday := time.Date(2026, 11, 30, 10, 0, 0, 0, kyiv)
	due := func(kind, date string, extra map[string]string) rules.Finding {
		return deadlineFinding("ACME-2", kind, date, rules.SeverityWarning, extra)
	}
	bare := due("no_due_date", "", nil)
	delete(bare.Fields, "summary")
	noKind := due("due_soon", "2026-12-01", nil)
	delete(noKind.Fields, "kind")
	noDate := due("due_soon", "", nil)
	other := rules.Finding{Rule: "workload", Title: "Anna leads 9 clients <max 8>"}
	for _, tc := range []struct {
		name string
		f    rules.Finding
		now  time.Time
		want map[connectors.Language]string
	}{
		{"due today", due("due_soon", "2026-11-30", nil), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is due today (Mon 30 Nov)",
			ru: "ACME-2 «Monthly SEO report draft»: срок сегодня (пн, 30 нояб.)",
			uk: "ACME-2 «Monthly SEO report draft»: термін сьогодні (пн, 30 лист.)"}},
		{"due tomorrow", due("due_soon", "2026-12-02", nil), time.Date(2026, 12, 1, 23, 59, 0, 0, kyiv), map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is due tomorrow (Wed 2 Dec)",
			ru: "ACME-2 «Monthly SEO report draft»: срок завтра (ср, 2 дек.)",
			uk: "ACME-2 «Monthly SEO report draft»: термін завтра (ср, 2 груд.)"}},
		{"midnight in the recipient's zone makes tomorrow today", due("due_soon", "2026-12-02", nil),
			time.Date(2026, 12, 1, 22, 30, 0, 0, time.UTC), map[connectors.Language]string{
				en: "ACME-2 “Monthly SEO report draft” is due today (Wed 2 Dec)"}},
		{"due this week", due("due_soon", "2026-12-02", map[string]string{"working_days_left": "2"}), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is due on Wednesday (2 Dec)",
			ru: "ACME-2 «Monthly SEO report draft»: срок в среду (2 дек.)",
			uk: "ACME-2 «Monthly SEO report draft»: термін у середу (2 груд.)"}},
		{"due on friday", due("due_soon", "2026-12-04", nil), monday, map[connectors.Language]string{
			uk: "ACME-2 «Monthly SEO report draft»: термін у п’ятницю (4 груд.)"}},
		{"due later: working days", due("due_soon", "2026-12-10", map[string]string{"working_days_left": "8"}), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is due in 8 working days (Thu 10 Dec)",
			ru: "ACME-2 «Monthly SEO report draft»: срок через 8 рабочих дней (чт, 10 дек.)",
			uk: "ACME-2 «Monthly SEO report draft»: термін через 8 робочих днів (чт, 10 груд.)"}},
		{"no clock: the rule's working days", due("due_soon", "2026-12-02", map[string]string{"working_days_left": "2"}), time.Time{}, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is due in 2 working days (Wed 2 Dec)",
			ru: "ACME-2 «Monthly SEO report draft»: срок через 2 рабочих дня (ср, 2 дек.)",
			uk: "ACME-2 «Monthly SEO report draft»: термін через 2 робочі дні (ср, 2 груд.)"}},
		{"no clock: one working day", due("due_soon", "2026-12-07", map[string]string{"working_days_left": "1"}), time.Time{}, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is due in 1 working day (Mon 7 Dec)",
			ru: "ACME-2 «Monthly SEO report draft»: срок через 1 рабочий день (пн, 7 дек.)",
			uk: "ACME-2 «Monthly SEO report draft»: термін через 1 робочий день (пн, 7 груд.)"}},
		{"due soon but passed since", due("due_soon", "2026-11-27", nil), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is 3 days overdue (due Fri 27 Nov)"}},
		{"overdue by a day", due("overdue", "2026-11-29", map[string]string{"days_overdue": "1"}), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” was due yesterday (Sun 29 Nov)",
			ru: "ACME-2 «Monthly SEO report draft»: срок был вчера (вс, 29 нояб.)",
			uk: "ACME-2 «Monthly SEO report draft»: термін був учора (нд, 29 лист.)"}},
		{"overdue 3 days", due("overdue", "2026-11-27", nil), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is 3 days overdue (due Fri 27 Nov)",
			ru: "ACME-2 «Monthly SEO report draft»: просрочено на 3 дня (срок — пт, 27 нояб.)",
			uk: "ACME-2 «Monthly SEO report draft»: прострочено на 3 дні (термін — пт, 27 лист.)"}},
		{"overdue 5 days", due("overdue", "2026-11-25", nil), monday, map[connectors.Language]string{
			ru: "ACME-2 «Monthly SEO report draft»: просрочено на 5 дней (срок — ср, 25 нояб.)",
			uk: "ACME-2 «Monthly SEO report draft»: прострочено на 5 днів (термін — ср, 25 лист.)"}},
		{"overdue 21 days", due("overdue", "2026-11-09", nil), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is 21 days overdue (due Mon 9 Nov)",
			ru: "ACME-2 «Monthly SEO report draft»: просрочено на 21 день (срок — пн, 9 нояб.)",
			uk: "ACME-2 «Monthly SEO report draft»: прострочено на 21 день (термін — пн, 9 лист.)"}},
		{"overdue: the rule's count when zones disagree", due("overdue", "2026-11-30", map[string]string{"days_overdue": "2"}), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is 2 days overdue (due Mon 30 Nov)"}},
		{"overdue across the year", due("overdue", "2026-12-28", nil), time.Date(2027, 1, 4, 10, 0, 0, 0, kyiv), map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is 7 days overdue (due Mon 28 Dec 2026)",
			ru: "ACME-2 «Monthly SEO report draft»: просрочено на 7 дней (срок — пн, 28 дек. 2026 г.)",
			uk: "ACME-2 «Monthly SEO report draft»: прострочено на 7 днів (термін — пн, 28 груд. 2026 р.)"}},
		// The rule's own mark says nothing of who was told: without an
		// escalation planned or made, the headline claims none.
		{"escalated by the rule, nobody told", due("overdue", "2026-11-27", map[string]string{"escalated": "true"}), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is 3 days overdue (due Fri 27 Nov)",
			ru: "ACME-2 «Monthly SEO report draft»: просрочено на 3 дня (срок — пт, 27 нояб.)",
			uk: "ACME-2 «Monthly SEO report draft»: прострочено на 3 дні (термін — пт, 27 лист.)"}},
		{"no due date", due("no_due_date", "", nil), monday, map[connectors.Language]string{
			en: "ACME-2 “Monthly SEO report draft” is in progress without a due date",
			ru: "ACME-2 «Monthly SEO report draft»: в работе без срока",
			uk: "ACME-2 «Monthly SEO report draft»: у роботі без терміну"}},
		{"no summary", bare, monday, map[connectors.Language]string{
			en: "ACME-2 is in progress without a due date", uk: "ACME-2: у роботі без терміну"}},
		{"redirect to one specialist", redirectFinding("sergey", "Sergey S.", "hi"), monday, map[connectors.Language]string{
			en: "Acme wrote to Sergey directly",
			ru: "Клиент Acme написал напрямую специалисту (Sergey)",
			uk: "Клієнт Acme написав напряму спеціалісту (Sergey)"}},
		{"redirect to two specialists, one unknown", redirectFinding("sergey, gone", "Sergey S., Olga", "hi"), monday, map[connectors.Language]string{
			en: "Acme wrote to Sergey and Olga directly",
			ru: "Клиент Acme написал напрямую специалистам (Sergey, Olga)",
			uk: "Клієнт Acme написав напряму спеціалістам (Sergey, Olga)"}},
		{"response", responseFinding("2h 15m", ""), monday, map[connectors.Language]string{
			en: "Acme has been waiting 2h 15m for a reply",
			ru: "Acme ждёт ответа уже 2 ч 15 мин",
			uk: "Acme чекає на відповідь уже 2 год 15 хв"}},
		{"response in minutes", responseFinding("45m", ""), monday, map[connectors.Language]string{
			en: "Acme has been waiting 45m for a reply", ru: "Acme ждёт ответа уже 45 мин", uk: "Acme чекає на відповідь уже 45 хв"}},
		{"response escalated, whole hours", responseFinding("3h", "true"), monday, map[connectors.Language]string{
			en: "Acme has been waiting 3h for a reply", uk: "Acme чекає на відповідь уже 3 год"}},
		{"response without a wait", responseFinding("", ""), monday, map[connectors.Language]string{
			en: "Acme is waiting for a reply", ru: "Acme ждёт ответа", uk: "Acme чекає на відповідь"}},
		{"response without its fields: its title", rules.Finding{Rule: "response", Title: "ACME-9 is overdue",
			Fields: map[string]string{"status": "waiting"}}, monday, map[connectors.Language]string{ru: "ACME-9 is overdue"}},
		{"redirect without specialists: its title", rules.Finding{Rule: "redirect", Title: "Acme wrote to someone",
			Fields: map[string]string{"client_name": "Acme"}}, monday, map[connectors.Language]string{uk: "Acme wrote to someone"}},
		{"unknown rule: its title, escaped", other, monday, map[connectors.Language]string{
			en: "Anna leads 9 clients &lt;max 8&gt;", uk: "Anna leads 9 clients &lt;max 8&gt;"}},
		{"deadline without a kind: its title", noKind, monday, map[connectors.Language]string{uk: "ACME-2 is due_soon"}},
		{"due soon without a date: its title", noDate, monday, map[connectors.Language]string{ru: "ACME-2 is due_soon"}},
	} {
		for lang, want := range tc.want {
			t.Run(tc.name+"/"+string(lang), func(t *testing.T) {
				r := rendering{cat: catalogFor(lang), loc: kyiv, now: tc.now, people: Agency(t)}
				h := r.headline(view{f: tc.f, clientName: "Acme"})
				got := h.plain
				for _, tag := range h.tags {
					got += " · " + tag
				}
				if got != want {
					t.Errorf("headline\n got %q\nwant %q", got, want)
				}
				// The linked form says the same, with the task key (or a
				// fallback title) linked.
				unlinked := strings.ReplaceAll(h.text, "<"+tc.f.Subject.URL+"|ACME-2>", "ACME-2")
				if unlinked != h.plain && h.text != "<"+tc.f.Subject.URL+"|"+h.plain+">" {
					t.Errorf("linked headline %q does not match %q", h.text, h.plain)
				}
			})
		}
	}
}

func TestCountedPlurals(t *testing.T) {
	for _, tc := range []struct {
		lang connectors.Language
		n    int
		days string
		work string
	}{
		{en, 1, "1 day", "1 working day"}, {en, 2, "2 days", "2 working days"},
		{ru, 1, "1 день", "1 рабочий день"}, {ru, 2, "2 дня", "2 рабочих дня"}, {ru, 5, "5 дней", "5 рабочих дней"},
		{ru, 11, "11 дней", "11 рабочих дней"}, {ru, 22, "22 дня", "22 рабочих дня"},
		{uk, 1, "1 день", "1 робочий день"}, {uk, 3, "3 дні", "3 робочі дні"}, {uk, 5, "5 днів", "5 робочих днів"},
		{uk, 14, "14 днів", "14 робочих днів"}, {uk, 21, "21 день", "21 робочий день"},
	} {
		c := catalogFor(tc.lang)
		if got := c.days(tc.n); got != tc.days {
			t.Errorf("%s days(%d) = %q, want %q", tc.lang, tc.n, got, tc.days)
		}
		if got := c.workingDays(tc.n); got != tc.work {
			t.Errorf("%s workingDays(%d) = %q, want %q", tc.lang, tc.n, got, tc.work)
		}
	}
}

func TestWhen(t *testing.T) {
	kyiv := Kyiv(t)
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, kyiv)
	for _, tc := range []struct {
		lang connectors.Language
		at   time.Time
		now  time.Time
		want string
	}{
		{en, time.Date(2026, 11, 30, 5, 40, 0, 0, time.UTC), now, "Mon 30 Nov, 07:40"},
		{ru, time.Date(2026, 11, 30, 5, 40, 0, 0, time.UTC), now, "пн, 30 нояб., 07:40"},
		{uk, time.Date(2026, 11, 30, 5, 40, 0, 0, time.UTC), now, "пн, 30 лист., 07:40"},
		{uk, time.Date(2026, 11, 29, 22, 30, 0, 0, time.UTC), now, "пн, 30 лист., 00:30"}, // Kyiv's day, not UTC's
		{en, time.Date(2026, 11, 27, 9, 0, 0, 0, kyiv), now, "Fri 27 Nov, 09:00"},
		{ru, time.Date(2026, 5, 1, 9, 0, 0, 0, kyiv), now, "пт, 1 мая, 09:00"},
		{ru, time.Date(2026, 9, 1, 9, 0, 0, 0, kyiv), now, "вт, 1 сент., 09:00"},
		{uk, time.Date(2026, 12, 7, 9, 0, 0, 0, kyiv), now, "пн, 7 груд., 09:00"},
		{uk, time.Date(2025, 12, 30, 9, 0, 0, 0, kyiv), now, "вт, 30 груд. 2025 р., 09:00"},
		{ru, time.Date(2027, 1, 3, 9, 0, 0, 0, kyiv), now, "вс, 3 янв. 2027 г., 09:00"},
		{en, time.Date(2027, 1, 3, 9, 0, 0, 0, kyiv), now, "Sun 3 Jan 2027, 09:00"},
		{en, time.Date(2025, 11, 30, 9, 0, 0, 0, kyiv), time.Time{}, "Sun 30 Nov, 09:00"}, // no clock: no year to compare with
	} {
		r := rendering{cat: catalogFor(tc.lang), loc: kyiv, now: tc.now}
		if got := r.when(tc.at); got != tc.want {
			t.Errorf("%s when(%s) = %q, want %q", tc.lang, tc.at, got, tc.want)
		}
	}
}

func TestQuote(t *testing.T) {
	r := rendering{cat: catalogFor(en), loc: Kyiv(t), people: Agency(t)}
	for _, tc := range []struct{ in, want string }{
		{"plain", "> plain"},
		{"two\nlines", "> two\n> lines"},
		// A known user by name, an unknown one by id, a broadcast made
		// inert: quoting must ping nobody.
		{"<@" + sergeyUID(t) + "> and <@U0NOBODY01>, <!here>", "> @Sergey and @U0NOBODY01, @here"},
		{"see <#C0ACMEEXT1|ext-acme> and <https://example.com/a?b=1&amp;c=2|the brief>",
			"> see #ext-acme and <https://example.com/a?b=1&amp;c=2|the brief>"},
		// Slack escapes &, < and >; text that was not escaped is escaped once.
		{"Q3 &amp; Q4 &lt;draft&gt;", "> Q3 &amp; Q4 &lt;draft&gt;"},
		{"Q3 & Q4 <draft", "> Q3 &amp; Q4 &lt;draft"},
		{"  ", ""},
	} {
		if got := r.quote(tc.in); got != tc.want {
			t.Errorf("quote(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func sergeyUID(t *testing.T) string {
	p := Agency(t).Person("sergey")
	if p == nil || p.SlackUserID == "" {
		t.Fatal("the test agency has no sergey with a Slack id")
	}
	return p.SlackUserID
}

func TestResolvedNote(t *testing.T) {
	for _, tc := range []struct {
		lang connectors.Language
		f    rules.Finding
		want string
	}{
		{en, deadlineFinding("ACME-2", "overdue", "2026-11-27", rules.SeverityWarning, nil),
			":white_check_mark: Resolved: ACME-2 “Monthly SEO report draft”"},
		{uk, deadlineFinding("ACME-2", "overdue", "2026-11-27", rules.SeverityWarning, nil),
			":white_check_mark: Вирішено: ACME-2 «Monthly SEO report draft»"},
		{ru, responseFinding("2h", ""), ":white_check_mark: Решено: Acme ждёт ответа"},
		{uk, redirectFinding("sergey", "Sergey", "hi"), ":white_check_mark: Вирішено: Клієнт Acme написав напряму спеціалісту (Sergey)"},
	} {
		r := rendering{cat: catalogFor(tc.lang), loc: Kyiv(t), people: Agency(t)}
		if got := renderNote(r, tc.f, noteResolved); got != tc.want {
			t.Errorf("%s %s note = %q, want %q", tc.lang, tc.f.Rule, got, tc.want)
		}
	}
}

// TestEscalationTags: the headline says who an escalation goes to and
// when, or who it went to, in the reader's language and zone.
func TestEscalationTags(t *testing.T) {
	kyiv := Kyiv(t)
	monday := time.Date(2026, 11, 30, 10, 0, 0, 0, kyiv)
	f := deadlineFinding("ACME-2", "overdue", "2026-11-27", rules.SeverityCritical, map[string]string{"escalated": "true"})
	thu := time.Date(2026, 12, 3, 9, 0, 0, 0, kyiv)
	for _, tc := range []struct {
		name string
		es   []escalationState
		want map[connectors.Language]string
	}{
		{"will happen", []escalationState{{recipient: "helen", at: thu}}, map[connectors.Language]string{
			en: "escalates to Helen on Thu 3 Dec, 09:00",
			ru: "будет эскалировано: Helen, чт, 3 дек., 09:00",
			uk: "буде ескальовано: Helen, чт, 3 груд., 09:00"}},
		{"did, to a person and a channel at once", []escalationState{
			{recipient: "helen", at: monday.Add(-time.Hour), done: true},
			{recipient: RecipientChannelPrefix + "C01ACCOUNT1", at: monday.Add(-time.Hour + time.Second), done: true}},
			map[connectors.Language]string{
				en: "escalated to Helen, #C01ACCOUNT1 on Mon 30 Nov, 09:00",
				ru: "эскалировано: Helen, #C01ACCOUNT1, пн, 30 нояб., 09:00"}},
	} {
		for lang, want := range tc.want {
			t.Run(tc.name+"/"+string(lang), func(t *testing.T) {
				r := rendering{cat: catalogFor(lang), loc: kyiv, now: monday, people: Agency(t)}
				h := r.headline(view{f: f, clientName: "Acme", escalations: tc.es})
				if len(h.tags) != 1 || h.tags[0] != want {
					t.Errorf("tags %q, want [%q]", h.tags, want)
				}
			})
		}
	}
}
