package workload

import (
	"fmt"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// candidateTitles head the digest's section of unmatched client questions.
var candidateTitles = map[connectors.Language]string{
	connectors.LanguageEnglish:   "Client questions the answer base did not answer, asked again and again — candidates for new entries or phrasings:",
	connectors.LanguageRussian:   "Вопросы клиентов, на которые в базе ответов нет ответа и которые задают снова и снова, — кандидаты в новые записи или формулировки:",
	connectors.LanguageUkrainian: "Питання клієнтів, на які в базі відповідей немає відповіді і які ставлять знову і знову, — кандидати в нові записи чи формулювання:",
}

// maxCandidateChars keeps the section within Slack's 3000-character limit
// on a section's text; the plain text lists every candidate.
const maxCandidateChars = 2900

// maxLearnedChars is the room kept in that section for the line on what
// the base learned (its longest rendering is under 300 bytes).
const maxLearnedChars = 400

// learnedLines say what the answer base learned from the AMs' clicks in
// the period, so that the head can check it: %[1]d phrasings from "Post
// answer", %[2]d negatives from "Not this one".
var learnedLines = map[connectors.Language]string{
	connectors.LanguageEnglish:   "The answer base learned wordings from the account managers' clicks: \"Post answer\" %[1]d, \"Not this one\" %[2]d (liaison faq learned lists them, liaison faq forget undoes a wrong one).",
	connectors.LanguageRussian:   "База ответов запомнила формулировки по нажатиям аккаунт-менеджеров: «Отправить ответ» — %[1]d, «Не то» — %[2]d (список — liaison faq learned, отменить ошибочную — liaison faq forget).",
	connectors.LanguageUkrainian: "База відповідей запам'ятала формулювання за натисканнями акаунт-менеджерів: «Надіслати відповідь» — %[1]d, «Не те» — %[2]d (список — liaison faq learned, скасувати помилкове — liaison faq forget).",
}

// candidateSection returns the digest's text and block for the answer
// base: its candidates (Digest.FAQCandidates) and what it learned
// (Digest.FAQLearned), or false when there is neither.
func (d Digest) candidateSection() (string, map[string]any, bool) {
	learned := d.FAQLearned.Phrasings+d.FAQLearned.Negatives > 0
	if len(d.FAQCandidates) == 0 && !learned {
		return "", nil, false
	}
	var text, block strings.Builder
	limit := maxCandidateChars
	if learned {
		limit -= maxLearnedChars
	}
	if len(d.FAQCandidates) > 0 {
		title, ok := candidateTitles[d.Language]
		if !ok {
			title = candidateTitles[connectors.LanguageEnglish]
		}
		text.WriteString("\n" + title + "\n")
		block.WriteString("*" + title + "*")
		for _, c := range d.FAQCandidates {
			line := "\n• " + c
			text.WriteString(line[1:] + "\n")
			if block.Len()+len(line) <= limit {
				block.WriteString(line)
			}
		}
	}
	if learned {
		format, ok := learnedLines[d.Language]
		if !ok {
			format = learnedLines[connectors.LanguageEnglish]
		}
		line := fmt.Sprintf(format, d.FAQLearned.Phrasings, d.FAQLearned.Negatives)
		text.WriteString("\n" + line + "\n")
		if block.Len() > 0 {
			block.WriteString("\n\n")
		}
		block.WriteString(line)
	}
	return text.String(), section(block.String(), nil), true
}
