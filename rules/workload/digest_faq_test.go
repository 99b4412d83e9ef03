package workload

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
)

// TestDigestCandidatesSection: the candidates follow the people under a
// heading in the head's language, in the text and in one block; with the
// most people the digest still fits Slack's 50 blocks, and a long list is
// cut in the block but whole in the text.
func TestDigestCandidatesSection(t *testing.T) {
	d := Digest{Language: connectors.LanguageEnglish, Week: "2026-W50",
		FAQCandidates: []string{`3× (ru; acme) "Есть ли скидка?"`, `2× (en; bolt) "Do you work on Dec 31?"`}}
	text, blocks := d.Render()
	if !strings.Contains(text, "candidates for new entries") || !strings.Contains(text, `• 3× (ru; acme) "Есть ли скидка?"`) {
		t.Errorf("text:\n%s", text)
	}
	if !strings.Contains(string(blocks), "Do you work on Dec 31?") {
		t.Errorf("blocks: %s", blocks)
	}
	if text, _ := (Digest{Language: connectors.LanguageEnglish}).Render(); strings.Contains(text, "candidates") {
		t.Errorf("a digest without candidates has the section:\n%s", text)
	}

	for i := range 60 {
		d.Lines = append(d.Lines, DigestLine{Load: Load{Person: fmt.Sprint(i), Role: connectors.RoleSpecialist, MaxOpenTasks: 15}})
	}
	for range 100 {
		d.FAQCandidates = append(d.FAQCandidates, fmt.Sprintf(`%d× (en; acme) "%s"`, 2, strings.Repeat("long question ", 5)))
	}
	text, blocks = d.Render()
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatal(err)
	}
	last, _ := json.Marshal(bs[len(bs)-1])
	if len(bs) > 50 || len(last) > 3200 || strings.Count(text, "• 2× (en; acme)") != 100 {
		t.Errorf("%d blocks, last block %d bytes, %d candidates in the text", len(bs), len(last), strings.Count(text, "• 2× (en; acme)"))
	}
}

// TestDigestLearnedLine: what the answer base learned from clicks is said
// in the head's language, with or without candidates, and a digest with
// the most candidates still keeps the block within Slack's limit.
func TestDigestLearnedLine(t *testing.T) {
	d := Digest{Language: connectors.LanguageRussian, Week: "2026-W50", FAQLearned: FAQLearned{Phrasings: 12, Negatives: 3}}
	text, blocks := d.Render()
	want := "База ответов запомнила формулировки по нажатиям аккаунт-менеджеров: «Отправить ответ» — 12, «Не то» — 3"
	if !strings.Contains(text, want) || !strings.Contains(string(blocks), want) {
		t.Errorf("text:\n%s\nblocks: %s", text, blocks)
	}
	if text, _ := (Digest{Language: connectors.LanguageRussian}).Render(); strings.Contains(text, "запомнила") {
		t.Errorf("a digest with nothing learned says it learned:\n%s", text)
	}
	for range 100 {
		d.FAQCandidates = append(d.FAQCandidates, fmt.Sprintf(`%d× (en; acme) "%s"`, 2, strings.Repeat("long question ", 5)))
	}
	_, blocks = d.Render()
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatal(err)
	}
	sec := bs[len(bs)-1]["text"].(map[string]any)["text"].(string)
	if len(sec) > 3000 || !strings.Contains(sec, want) || !strings.Contains(sec, "long question") {
		t.Errorf("the answer base's block is %d bytes (Slack takes 3000) or lacks the candidates or the learned line:\n%s", len(sec), sec)
	}
}
