package faq

// Ukrainian has no Snowball stemmer. This is a light suffix-stripping
// stemmer in the shape of Snowball's Russian one (Porter's RV region, then
// one ending group removed), with Ukrainian endings as listed in the
// grammar tables of the published Porter-style Ukrainian stemmers (e.g.
// Kovtun's ukr_stemmer): perfective gerunds (-вши, -вшись, -учи, -ючи),
// the reflexive -ся/-сь, adjectival and participle endings, verb endings
// and noun case endings; then -ість, a soft sign and a doubled н. It is
// deliberately conservative: it never strips into the first syllable, so
// different words rarely collapse, and inflected forms of one word meet.
//
// Endings that are as often part of a noun as a verb ending are left out:
// -ти and -іти (звіти, сайти are plural nouns far more often than -ти
// infinitives in client messages), and -ами/-ями (реклами is a genitive
// singular more often than рекламами an instrumental plural). Vowel
// alternation (рахунок/рахунку) is beyond suffix stripping.

var ukVowels = map[rune]bool{'а': true, 'е': true, 'и': true, 'о': true, 'у': true, 'ю': true, 'я': true, 'і': true, 'ї': true, 'є': true}

// Ending groups; within a group the longest matching ending is removed.
var (
	ukGerund     = []string{"ившись", "ивши", "ючись", "учись", "ячись", "вшись", "вши", "ючи", "учи", "ячи", "ачи"}
	ukReflexive  = []string{"ся", "сь"}
	ukAdjectival = []string{
		"ими", "іми", "ого", "ому", "ій", "їй", "ий", "ої", "ою", "ім", "им", "их", "іх", "ею", "еє", "єє",
		"ая", "яя", "а", "я", "е", "є", "і", "у", "ю",
	}
	ukVerb = []string{
		"тимемо", "тимете", "тимуть", "тиму", "тимеш", "тиме",
		"ували", "ювали", "увала", "ювала", "увати", "ювати",
		"ати", "яти", "ити", "ути", "ать", "ять", "ють", "уть", "ить", "іть", "йте", "іте",
		"емо", "ємо", "имо", "імо", "ете", "єте", "ите", "ала", "яла", "ила", "ала", "али", "яли", "или",
		"ало", "яло", "ило", "еш", "єш", "иш", "ав", "яв", "ив", "ла", "ло", "ли", "ть",
	}
	ukNoun = []string{
		"ові", "еві", "єві", "ах", "ях", "ам", "ям", "ом", "ем", "єм", "ів", "їв", "ей",
		"ею", "єю", "ою", "а", "я", "о", "е", "є", "у", "ю", "і", "ї", "и", "ь", "й",
	}
)

// minUkStem is the shortest stem left after stripping, in runes.
const minUkStem = 2

// stemUkrainian returns the stem of a lower-case Ukrainian word.
func stemUkrainian(word string) string {
	w := []rune(word)
	rv := -1
	for i, r := range w {
		if ukVowels[r] {
			rv = i + 1
			break
		}
	}
	if rv < 0 || rv >= len(w) {
		return word
	}
	strip := func(w []rune, group []string) ([]rune, bool) {
		best := -1
		for _, s := range group {
			n := len(w) - len([]rune(s))
			if n < rv || n < minUkStem || (best >= 0 && n >= best) {
				continue
			}
			if string(w[n:]) == s {
				best = n
			}
		}
		if best < 0 {
			return w, false
		}
		return w[:best], true
	}
	var ok bool
	if w, ok = strip(w, ukGerund); !ok {
		w, _ = strip(w, ukReflexive)
		if w, ok = strip(w, ukAdjectival); !ok {
			if w, ok = strip(w, ukVerb); !ok {
				w, _ = strip(w, ukNoun)
			}
		}
	}
	w, _ = strip(w, []string{"и", "і"})
	w, _ = strip(w, []string{"ість"})
	w, _ = strip(w, []string{"ь"})
	if n := len(w); n >= 2 && w[n-1] == 'н' && w[n-2] == 'н' {
		w = w[:n-1]
	}
	return string(w)
}
