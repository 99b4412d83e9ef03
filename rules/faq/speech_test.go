package faq

import (
	"testing"

	"github.com/liaisonhq/liaison/connectors"
)

// TestSpeechAct checks the four acts in ru, uk and en: why and when
// anywhere; imperative and modal requests; other questions; statements.
func TestSpeechAct(t *testing.T) {
	tests := []struct {
		text string
		lang connectors.Language
		want Act
	}{
		{"Почему остановилась кампания?", ru, ActWhy},
		{"Чому впали заявки", uk, ActWhy},
		{"why did the ads stop", en, ActWhy},
		{"Когда будет отчёт", ru, ActWhen},
		{"Скільки чекати результатів по SEO?", uk, ActWhen},
		{"how long until it goes live", en, ActWhen},
		{"Поставьте кампанию на паузу", ru, ActRequest},
		{"Можете прислать отчёт за май?", ru, ActRequest},
		{"Надішліть, будь ласка, рахунок", uk, ActRequest},
		{"Поставте кампанію на паузу", uk, ActRequest},
		{"Please pause the campaign", en, ActRequest},
		{"Can you send the invoice again?", en, ActRequest},
		{"let's jump on a call", en, ActRequest},
		{"Подскажите, где отчёт?", ru, ActQuestion},
		{"Реклама работает?", ru, ActQuestion},
		{"Чи працює реклама", uk, ActQuestion},
		{"can we pay by card", en, ActQuestion},
		{"Is the campaign live", en, ActQuestion},
		{"Спасибо, всё получили", ru, ActNone},
		{"Отчёт на сайте видели", ru, ActNone},
		{"Thanks, got it", en, ActNone},
		// Chat questions: the question word in the middle, no question mark.
		{"отчёт где", ru, ActQuestion},
		{"из чего состоит счет", ru, ActQuestion},
		{"з чого складається рахунок", uk, ActQuestion},
		{"the site task at what stage is it", en, ActQuestion},
		{"campaigns live right now", en, ActQuestion},
		{"homepage edits done yet", en, ActQuestion},
		{"а отчет за прошлый месяц уже есть", ru, ActQuestion},
		{"звіт за минулий місяць вже є", uk, ActQuestion},
		{"созвон в четверг удобно", ru, ActQuestion},
		{"а шо там по звіту", uk, ActQuestion},
		{"traffic fell this month, whats the reason", en, ActQuestion},
		{"any updates on the landing page", en, ActQuestion},
		{"по лендингу есть новости", ru, ActQuestion},
		// Asking the agency to look into a problem asks what happened.
		{"Конверсии просели, гляньте пожалуйста", ru, ActQuestion},
		{"заявок мало, перевірте що там", uk, ActQuestion},
		{"реклама сейчас работает вообще", ru, ActQuestion},
		// Statements of a problem ask for an answer.
		{"не можем найти ссылку на отчет", ru, ActQuestion},
		{"не можемо знайти посилання на звіт", uk, ActQuestion},
		{"трафик с гугла упал", ru, ActQuestion},
		{"трафік з гугла впав", uk, ActQuestion},
		{"лидов почти нет уже неделю", ru, ActQuestion},
		{"we cant find the link to the report", en, ActQuestion},
		{"organic traffic dropped", en, ActQuestion},
		{"still havent received last months invoice", en, ActQuestion},
		// Requests in chat form.
		{"отчетик скинете", ru, ActRequest},
		{"bank details for payment please", en, ActRequest},
		{"реквізити для оплати, будь ласка", uk, ActRequest},
		{"we want to raise the ad budget to 2000 a month", en, ActRequest},
		{"need to fix prices on the delivery page", en, ActRequest},
		// Acknowledgements and small talk stay out, whatever words they share.
		{"ок, договорились", ru, ActNone},
		{"хорошо, ждем", ru, ActNone},
		{"спасибо, что так быстро", ru, ActNone},
		{"дякую, все отримали", uk, ActNone},
		{"сегодня у нас выходной", ru, ActNone},
		{"fine, we will wait", en, ActNone},
		{"looked at the report, all clear", en, ActNone},
		{"не за что", ru, ActNone},
	}
	for _, tt := range tests {
		if got := SpeechAct(tt.text, tt.lang); got != tt.want {
			t.Errorf("SpeechAct(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
}

// TestRequestIsNotMatchedToAWhyQuestion: a request sharing its words with
// one entry's why-question and another's request goes to the request.
func TestRequestIsNotMatchedToAWhyQuestion(t *testing.T) {
	base := []Entry{
		{ID: "campaign-stopped", Questions: map[connectors.Language][]string{en: {
			"Why did the campaign stop?", "Why was the campaign paused?", "Why is the campaign not running?"}}},
		{ID: "pause-request", Questions: map[connectors.Language][]string{en: {
			"Please pause the campaign for the holidays", "Can you stop the ads for a week?", "Switch off the campaign until Monday"}}},
	}
	ms := NewIndex(base).Match("Please pause the campaign", en, 2)
	if len(ms) == 0 || ms[0].EntryID != "pause-request" {
		t.Errorf("Match = %+v, want pause-request first", ms)
	}
}
