package faq

import (
	_ "embed"
	"math"
	"strings"
	"sync"
	"unicode"

	"github.com/liaisonhq/liaison/connectors"
)

// The Russian and Ukrainian sample text the language identifier learns
// from: the shipped answer base's phrasings and answers and the labelled
// tuning questions, parallel in both languages, so that what tells them
// apart is the language and not the topic.
var (
	//go:embed langdata/ru.txt
	ruSample string
	//go:embed langdata/uk.txt
	ukSample string
)

// langModel tells Russian from Ukrainian by naive Bayes over character
// trigrams of each word (with its boundaries) and the words themselves.
// Four letters (і ї є ґ against ы э ъ ё) decide most Ukrainian messages
// but only about half of Russian ones; the trigrams and words carry the
// rest: "что"/"що", "когда"/"коли", "-ть"/"-ти", "-ое"/"-е", "не"/"ні".
type langModel struct {
	logp  [2]map[string]float64
	unk   [2]float64
	langs [2]connectors.Language
}

// priorWeight is the log-odds the client's configured language adds: a
// message with no telling feature goes the client's way, one with even a
// few goes the text's. Chosen on the tuning messages in testdata.
const priorWeight = 1.5

var sharedLangModel = sync.OnceValue(func() *langModel {
	return trainLangModel(ruSample, ukSample)
})

func trainLangModel(ru, uk string) *langModel {
	m := &langModel{langs: [2]connectors.Language{connectors.LanguageRussian, connectors.LanguageUkrainian}}
	vocab := map[string]bool{}
	counts := [2]map[string]int{{}, {}}
	totals := [2]int{}
	for i, text := range []string{ru, uk} {
		for _, w := range strings.Fields(Normalize(text)) {
			if !cyrillicWord(w) {
				continue
			}
			for _, f := range langFeatures(w) {
				counts[i][f]++
				totals[i]++
				vocab[f] = true
			}
		}
	}
	// Add-one smoothing over the shared vocabulary.
	v := float64(len(vocab))
	for i := range counts {
		m.logp[i] = make(map[string]float64, len(counts[i]))
		denom := float64(totals[i]) + v
		for f, n := range counts[i] {
			m.logp[i][f] = math.Log((float64(n) + 1) / denom)
		}
		m.unk[i] = math.Log(1 / denom)
	}
	return m
}

// langFeatures are a word's features: the word and its trigrams with
// boundary marks ("^чт", "что", "то$").
func langFeatures(w string) []string {
	r := []rune("^" + w + "$")
	out := make([]string, 0, len(r))
	out = append(out, "w:"+w)
	for i := 0; i+3 <= len(r); i++ {
		out = append(out, string(r[i:i+3]))
	}
	return out
}

func cyrillicWord(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Cyrillic, r) {
			return false
		}
	}
	return w != ""
}

// ukLogOdds returns log P(uk | words) − log P(ru | words) without prior.
func (m *langModel) ukLogOdds(words []string) float64 {
	var s [2]float64
	for _, w := range words {
		for _, f := range langFeatures(w) {
			for i := range s {
				if p, ok := m.logp[i][f]; ok {
					s[i] += p
				} else {
					s[i] += m.unk[i]
				}
			}
		}
	}
	return s[1] - s[0]
}

// DetectLanguage returns the language text is written in: English when
// Latin letters outnumber Cyrillic twice over (brand names in a Cyrillic
// message — "отчёт по Google Ads" — do not flip it), else Russian or
// Ukrainian by the letters, words and letter sequences of its Cyrillic
// words. The client's configured language, prior, tips the balance when
// the text says little (a word or two without a telling letter); it never
// outweighs the text. Text without letters takes prior (Russian if prior
// is not set).
func DetectLanguage(text string, prior connectors.Language) connectors.Language {
	return detectLanguage(Normalize(text), prior)
}

// detectLanguage is DetectLanguage on normalised text.
func detectLanguage(norm string, prior connectors.Language) connectors.Language {
	var latin, cyr int
	var words []string
	for _, w := range strings.Fields(norm) {
		for _, r := range w {
			switch {
			case r >= 'a' && r <= 'z':
				latin++
			case unicode.Is(unicode.Cyrillic, r):
				cyr++
			}
		}
		if cyrillicWord(w) {
			words = append(words, w)
		}
	}
	switch {
	case cyr == 0 && latin == 0:
		if prior.Valid() {
			return prior
		}
		return connectors.LanguageRussian
	case latin > 2*cyr:
		return connectors.LanguageEnglish
	}
	odds := sharedLangModel().ukLogOdds(words)
	switch prior {
	case connectors.LanguageUkrainian:
		odds += priorWeight
	case connectors.LanguageRussian:
		odds -= priorWeight
	}
	if odds > 0 {
		return connectors.LanguageUkrainian
	}
	return connectors.LanguageRussian
}
