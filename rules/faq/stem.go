package faq

import (
	"strings"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"

	"github.com/liaisonhq/liaison/connectors"
)

// Stem returns the stem of one normalised word in lang: Snowball's English
// and Russian stemmers, and a light suffix stripper for Ukrainian (see
// stem_uk.go). A word in Latin script is stemmed as English whatever lang
// is, since Cyrillic messages carry product names ("Google Ads", "SEO").
func Stem(word string, lang connectors.Language) string {
	if isLatin(word) {
		return english.Stem(word, true)
	}
	switch lang {
	case connectors.LanguageUkrainian:
		return stemUkrainian(word)
	default:
		// Cyrillic in an English message is most likely Russian.
		return foldStem(russian.Stem(foldRussian(word), true))
	}
}

// foldRussian spells a Russian word the way a Ukrainian keyboard lets it
// be typed, so that both spellings meet: a Ukrainian layout has no ы, э,
// ъ or ё, and clients type і or и for ы, е or є for э, е for ё, and ' or
// ь for ъ. Before stemming, і (the key of ы) becomes ы, ї и, э and є е, ґ
// г, and ъ and a ь before a vowel are dropped (объявление, обьявление and
// об'явление all become обявление); after stemming, foldStem writes ы as
// и, so that "показиваются" meets "показываются" while the stemmer still
// sees the endings "ы" and "ами". The index and the message are folded
// alike, so the stems still tell words apart but for those letters.
func foldRussian(word string) string {
	if !strings.ContainsAny(word, "іїэєъьґ") {
		return word
	}
	rs := []rune(word)
	out := rs[:0]
	for i, r := range rs {
		switch r {
		case 'і':
			r = 'ы'
		case 'ї':
			r = 'и'
		case 'э', 'є':
			r = 'е'
		case 'ґ':
			r = 'г'
		case 'ъ':
			continue
		case 'ь':
			if i+1 < len(rs) && strings.ContainsRune("еюяи", rs[i+1]) {
				continue
			}
		}
		out = append(out, r)
	}
	return string(out)
}

// foldStem writes ы as и in a Russian stem (see foldRussian).
func foldStem(stem string) string {
	return strings.ReplaceAll(stem, "ы", "и")
}

func isLatin(word string) bool {
	for _, r := range word {
		if r >= 'a' && r <= 'z' {
			return true
		}
		if r > 0x7f {
			return false
		}
	}
	return false
}

// Terms returns the distinct stems of text in lang, in order of first
// appearance, without stop words: function words and the greetings and
// politeness that wrap most chat questions ("Добрый день, подскажите
// пожалуйста"), which say nothing about what is asked.
func Terms(text string, lang connectors.Language) []string {
	return termsOf(Normalize(text), lang)
}

// termsOf is Terms on normalised text.
func termsOf(norm string, lang connectors.Language) []string {
	words := strings.Fields(norm)
	out := make([]string, 0, len(words))
	seen := make(map[string]bool, len(words))
	for _, w := range words {
		for _, s := range wordTerms(w, lang) {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// wordTerms returns the index terms of one normalised word: none for a
// stop word or a number (dates and amounts never decide what a question is
// about), else its stem. Adding five-letter truncations as second terms was
// tried for Slavic derivations ("органика"/"органический") and lost
// precision on the labelled questions, so it is not done.
func wordTerms(w string, lang connectors.Language) []string {
	if stopWord(w) || isNumber(w) || (lang != connectors.LanguageUkrainian && foldedStopWords[foldStem(foldRussian(w))]) {
		return nil
	}
	if s := Stem(w, lang); s != "" {
		return []string{s}
	}
	return nil
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func stopWord(w string) bool {
	_, ok := stopWords[w]
	return ok
}

// stopWords holds the three languages together: their function words do
// not collide with content words of another (the Cyrillic "и" is a stop
// word in ru and uk alike).
var stopWords = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, list := range []string{
		// en
		`a an the and or but if of to in on at by for from with about into over as is are was were be been being
		am do does did doing have has had having i me my we us our ours you your yours he she it its they them
		their this that these those there here so too very just also still yet please pls plz thanks thank thx hi
		hello hey guys team folks dear good morning afternoon evening quick question regards cheers ok okay sorry
		would could should can will shall may might must let know any some then than now again already s t don
		wondering wonder tell get got me want wanted like possible ok anyone
		seem seems seemed actually really stuff thing things something anything everything anyway afaik btw fyi
		maybe perhaps probably guess think sure bit lot lots much many all every each
		only even ever well yeah yes im ive id youre youve weve theyre thats theres mid since till ago
		jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
		january february march april may june july august september october november december monday tuesday
		wednesday thursday friday saturday sunday today tomorrow yesterday`,
		// ru
		`и в во не что он на я с со а то все так его но да ты к у же вы за бы по ее мне было вот от меня еще нет о
		из ему ну ли если уже или ни быть был него до вас нибудь уж вам ведь там себя ей они тут есть ней для мы
		тебя их чем была сам чтоб без чего раз тоже себе под ж тогда этот того этого ним здесь этом мой тем чтобы
		нее сейчас были всех при об хоть над тот через эти нас про всего них эту моя свою этой том им это эта
		наш наша наше наши нашего нашей нашем нашу нашим нашими наших нам ваш ваша ваше ваши вашего вашей вашем вашу вашим вашими ваших вами свой своя свое свои своего своей своем свою своим своими своих привет
		здравствуйте добрый доброе день утро вечер коллеги подскажите подскажи скажите пожалуйста спасибо
		уточните вопрос вопросик хотел хотела хотели хочу можете могли бы просто вообще кстати ребята всем хотим хотите хочется хотелось возможно можем может могу могут сможете будет будут буду будем будете
		январь января феврал февраль февраля март марта апрель апреля май мая июнь июня июль июля август августа
		сентябрь сентября октябрь октября ноябрь ноября декабрь декабря понедельник вторник среда среду четверг
		пятница пятницу суббота субботу воскресенье сегодня завтра вчера январе феврале марте апреле мае июне
		июле августе сентябре октябре ноябре декабре`,
		// uk
		`і й та з із зі від для над під через як але чи ні це цей ця ці цього цієї той ті тут ми нас нам наш
		наше наші нашого нашої нашій нашим нашими наших вас вам ваш ваше ваші вашого вашої вашій вашим вашими ваших вами свій своя своє свої свого своєї своїм своїми своїх досі мене мені він вона воно
		вони їх їм його її є бути був була було були ж вже ще також лише тільки привіт вітаю добрий доброго
		ранок вечір колеги підкажіть підкажи скажіть будь ласка дякую уточніть питання питаннячко хотів хотіла
		хотіли хочу можете могли би б просто взагалі якщо або всім хочемо хочете хочеться можливо можемо може можу можуть зможете буде будуть буду будемо будете
		січень січня лютий лютого березень березня квітень квітня травень травня червень червня липень липня
		серпень серпня вересень вересня жовтень жовтня листопад листопада грудень грудня понеділок вівторок
		середа середу четвер пятниця пятницю субота суботу неділя неділю сьогодні завтра вчора січні лютому
		березні квітні травні червні липні серпні вересні жовтні листопаді грудні`,
	} {
		for _, w := range strings.Fields(list) {
			m[w] = struct{}{}
		}
	}
	return m
}()

// foldedStopWords are the Russian stop words as foldRussian spells them
// ("ви" for "вы", "ето" for "это").
var foldedStopWords = func() map[string]bool {
	m := map[string]bool{}
	for w := range stopWords {
		if !isLatin(w) {
			m[foldStem(foldRussian(w))] = true
		}
	}
	return m
}()

// weakWords ask how rather than what: question words, modals, "need", the
// verbs of looking for something ("где посмотреть", "where can I see") and
// the words of asking how long ("сколько времени", "how long does it
// take"). Many entries share them, so they count for less
// (params.weakWeight) and together as one shared word (params.weakOnce).
var weakWords = map[connectors.Language]string{
	connectors.LanguageEnglish: `what whats when where why how which who whom whose can could need needs needed
		should would will do does did is are see look find view long take takes time`,
	connectors.LanguageRussian: `что когда где почему зачем как какой какая какое какие каких каким кто кому куда
		откуда сколько можно нельзя нужно надо нужен нужна нужны посмотреть смотреть глянуть найти увидеть времени время занимает`,
	connectors.LanguageUkrainian: `що коли де чому навіщо як який яка яке які яких яким хто кому куди звідки
		скільки можна потрібно треба потрібен потрібна потрібні чи подивитися дивитися глянути знайти побачити часу час займає`,
}

// weakStems returns the stems of lang's weak words.
func weakStems(lang connectors.Language) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(weakWords[lang]) {
		m[Stem(w, lang)] = true
	}
	return m
}
