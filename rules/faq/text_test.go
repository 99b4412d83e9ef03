package faq

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"case and ё", "Когда будет ОТЧЁТ?", "когда будет отчет"},
		{"mention", "<@U01MARAT01> подскажите, где счёт?", "подскажите где счет"},
		{"mention with name", "<@U01MARAT01|marat> hi", "hi"},
		{"channel and special", "<#C0STEPPE01|steppe> <!here> привет", "привет"},
		{"link with label", "см. <https://docs.google.com/x?a=1|отчёт> пожалуйста", "см пожалуйста"},
		{"bare link", "see https://example.com/a?b=c now", "see now"},
		{"emoji and skin tone", "спасибо :pray: :+1::skin-tone-2: ок", "спасибо ок"},
		{"entities", "ads &amp; seo &lt;3", "ads seo 3"},
		{"ukrainian apostrophe", "Чи можна зв’язатися з п'ятьма?", "чи можна звязатися з пятьма"},
		{"english contraction", "Why haven't rankings improved?", "why havent rankings improved"},
		{"markdown and newlines", "*Срочно*:\n_когда_ ~запуск~?", "срочно когда запуск"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestAsks checks which messages ask something (a question or a request)
// and so are matched at all: question marks outside links, question words,
// "подскажите", "ли", requests; not thanks and statements.
func TestAsks(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Когда будет отчёт?", true},
		{"Когда будет отчёт", true},
		{"Добрый день. Подскажите, пожалуйста, по счёту", true},
		{"Есть ли новости по задаче", true},
		{"Отчёт получили, спасибо!", false},
		{"Вот ссылка <https://example.com/?q=1|отчёт>", false},
		{"Коли буде звіт", true},
		{"Чи можна змінити бюджет", true},
		{"Підкажіть, будь ласка, по рахунку", true},
		{"Дякую, все отримали.", false},
		{"When is the invoice due", true},
		{"Can we pause the campaign", true},
		{"Thanks, got it. Is the report ready", true},
		{"Great, thanks!", false},
		{"I was wondering about the invoice", true},
		{"See https://example.com/?a=b", false},
	}
	for _, tt := range tests {
		if got := SpeechAct(tt.in, DetectLanguage(tt.in, "")) != ActNone; got != tt.want {
			t.Errorf("%q asks: %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		in       string
		fallback connectors.Language
		want     connectors.Language
	}{
		{"Когда будет отчёт?", connectors.LanguageUkrainian, connectors.LanguageRussian},
		{"Коли буде звіт?", connectors.LanguageRussian, connectors.LanguageUkrainian},
		{"Как там дела с рекламой?", connectors.LanguageUkrainian, connectors.LanguageRussian}, // no telling letter, Russian words
		{"Так, дякую", connectors.LanguageUkrainian, connectors.LanguageUkrainian},
		{"Скиньте отчет за прошлый месяц", connectors.LanguageUkrainian, connectors.LanguageRussian},
		{"Скиньте звіт за минулий місяць", connectors.LanguageRussian, connectors.LanguageUkrainian},
		{"ок", connectors.LanguageUkrainian, connectors.LanguageUkrainian}, // says nothing: the prior
		{"Как там дела с рекламой?", connectors.LanguageEnglish, connectors.LanguageRussian},
		{"Когда отчёт по Google Ads и Search Console?", connectors.LanguageEnglish, connectors.LanguageRussian},
		{"When is the report ready?", connectors.LanguageRussian, connectors.LanguageEnglish},
		{"<@U01ANNA001> :pray:", connectors.LanguageUkrainian, connectors.LanguageUkrainian},
	}
	for _, tt := range tests {
		if got := DetectLanguage(tt.in, tt.fallback); got != tt.want {
			t.Errorf("DetectLanguage(%q, %s) = %s, want %s", tt.in, tt.fallback, got, tt.want)
		}
	}
}

func TestStemJoinsInflectedForms(t *testing.T) {
	tests := []struct {
		lang  connectors.Language
		words []string
	}{
		{connectors.LanguageRussian, []string{"отчет", "отчета", "отчетом", "отчеты", "отчетов"}},
		{connectors.LanguageRussian, []string{"бюджет", "бюджета", "бюджету", "бюджетом"}},
		{connectors.LanguageRussian, []string{"реклама", "рекламы", "рекламу", "рекламой"}},
		{connectors.LanguageEnglish, []string{"report", "reports", "reporting"}},
		{connectors.LanguageEnglish, []string{"campaign", "campaigns"}},
		{connectors.LanguageUkrainian, []string{"звіт", "звіту", "звіти", "звітів", "звітом"}},
		{connectors.LanguageUkrainian, []string{"реклама", "реклами", "рекламу", "рекламою"}},
		{connectors.LanguageUkrainian, []string{"кампанія", "кампанії", "кампанію", "кампаній"}},
		{connectors.LanguageUkrainian, []string{"змінити", "зміна", "зміни"}},
		{connectors.LanguageUkrainian, []string{"бюджет", "бюджету", "бюджети", "бюджетом"}},
		{connectors.LanguageUkrainian, []string{"сайт", "сайти", "сайту", "сайтом"}},
		// Latin words in a Cyrillic message are stemmed as English.
		{connectors.LanguageUkrainian, []string{"ads", "ad"}},
	}
	for _, tt := range tests {
		want := Stem(tt.words[0], tt.lang)
		for _, w := range tt.words[1:] {
			if got := Stem(w, tt.lang); got != want {
				t.Errorf("%s: Stem(%q) = %q, Stem(%q) = %q; want equal", tt.lang, tt.words[0], want, w, got)
			}
		}
	}
}

func TestStemKeepsDifferentWordsApart(t *testing.T) {
	pairs := [][2]string{{"звіт", "звільнення"}, {"рахунок", "рахувати"}, {"реклама", "рекомендація"}}
	for _, p := range pairs {
		if a, b := Stem(p[0], connectors.LanguageUkrainian), Stem(p[1], connectors.LanguageUkrainian); a == b {
			t.Errorf("%q and %q both stem to %q", p[0], p[1], a)
		}
	}
	// Short words are left whole.
	if got := stemUkrainian("де"); got != "де" {
		t.Errorf("stemUkrainian(де) = %q", got)
	}
}

func TestTermsDropNoise(t *testing.T) {
	got := Terms("Добрый день! <@U01MARAT01> Подскажите, пожалуйста, когда будет отчёт за октябрь 2026? :pray:", connectors.LanguageRussian)
	want := []string{"когд", "отчет"}
	if !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
	if got := Terms("Hi team, thanks! Could you send the reports, please? Reports!", connectors.LanguageEnglish); !slices.Equal(got, []string{"send", "report"}) {
		t.Errorf("Terms = %q, want [send report] (deduplicated)", got)
	}
}

// TestLanguageID measures language identification on short labelled
// messages: the tuning file, and the frozen blind file when present. It
// reports accuracy on all messages and on those of three words or more,
// without a prior and with the prior of a client who writes in the other
// Cyrillic language (a Ukrainian client writing Russian), and requires
// 98% on three or more words.
func TestLanguageID(t *testing.T) {
	for _, path := range []string{"testdata/langid_tune.tsv", "testdata/blind/langid.tsv"} {
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) && strings.Contains(path, "blind") {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			lang connectors.Language
			text string
		}
		var rows []row
		for i, line := range strings.Split(string(data), "\n") {
			if line == "" || strings.HasPrefix(line, "#") || line == "lang\ttext" {
				continue
			}
			l, text, ok := strings.Cut(line, "\t")
			if !ok || !connectors.Language(l).Valid() {
				t.Fatalf("%s:%d: want lang<TAB>text", path, i+1)
			}
			rows = append(rows, row{connectors.Language(l), text})
		}
		other := map[connectors.Language]connectors.Language{ru: uk, uk: ru, en: ""}
		for _, prior := range []string{"no prior", "the other language's prior"} {
			var all, allOK, long, longOK int
			for _, r := range rows {
				p := connectors.Language("")
				if prior != "no prior" {
					p = other[r.lang]
				}
				got := DetectLanguage(r.text, p)
				ok := got == r.lang
				all++
				long3 := len(strings.Fields(Normalize(r.text))) >= 3
				if ok {
					allOK++
				} else {
					t.Logf("%s, %s: %q detected as %s, want %s", path, prior, r.text, got, r.lang)
				}
				if long3 {
					long++
					if ok {
						longOK++
					}
				}
			}
			t.Logf("%s, %s: %d/%d correct (%.3f); 3+ words: %d/%d (%.3f)", path, prior, allOK, all,
				float64(allOK)/float64(all), longOK, long, float64(longOK)/float64(max(long, 1)))
			if long > 0 && float64(longOK)/float64(long) < 0.98 {
				t.Errorf("%s, %s: %.3f correct on 3+ word messages, want ≥ 0.98", path, prior, float64(longOK)/float64(long))
			}
		}
	}
}

func TestStemFoldsUkrainianLayoutRussian(t *testing.T) {
	ru := connectors.LanguageRussian
	for _, p := range [][2]string{
		{"показываются", "показиваются"},
		{"объявления", "обьявления"},
		{"объявления", "об'явления"},
		{"выросла", "віросла"},
		{"рекламы", "рекламі"},
		{"это", "єто"},
	} {
		a, b := Terms(p[0], ru), Terms(p[1], ru)
		if !slices.Equal(a, b) {
			t.Errorf("Terms(%q) = %v, Terms(%q) = %v; want the same", p[0], a, p[1], b)
		}
	}
	if got := Terms("рекламы", ru); !slices.Equal(got, Terms("реклама", ru)) {
		t.Errorf("Terms(рекламы) = %v: the folding hides the ending from the stemmer", got)
	}
	if got := Terms("ви", ru); len(got) != 0 {
		t.Errorf("Terms(ви) = %v, want none: вы typed with и is a stop word", got)
	}
}
