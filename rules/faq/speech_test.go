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
