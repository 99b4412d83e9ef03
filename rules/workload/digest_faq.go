package workload

import (
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

// candidateSection returns the digest's text and block for its candidates
// (Digest.FAQCandidates), or false when there are none.
func (d Digest) candidateSection() (string, map[string]any, bool) {
	if len(d.FAQCandidates) == 0 {
		return "", nil, false
	}
	title, ok := candidateTitles[d.Language]
	if !ok {
		title = candidateTitles[connectors.LanguageEnglish]
	}
	var text, block strings.Builder
	text.WriteString("\n" + title + "\n")
	block.WriteString("*" + title + "*")
	for _, c := range d.FAQCandidates {
		line := "\n• " + c
		text.WriteString(line[1:] + "\n")
		if block.Len()+len(line) <= maxCandidateChars {
			block.WriteString(line)
		}
	}
	return text.String(), section(block.String(), nil), true
}
