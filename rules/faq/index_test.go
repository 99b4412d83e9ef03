package faq

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
)

const (
	ru = connectors.LanguageRussian
	uk = connectors.LanguageUkrainian
	en = connectors.LanguageEnglish
)

func sanityBase() []Entry {
	return []Entry{
		{ID: "report", Questions: map[connectors.Language][]string{
			en: {"When will the monthly report be ready?", "Where can I see the report?"},
			ru: {"Когда будет отчёт за месяц?", "Где посмотреть отчёт?"}}},
		{ID: "invoice", Questions: map[connectors.Language][]string{
			en: {"When will the invoice be sent?", "Why did the invoice amount change?"},
			ru: {"Когда придёт счёт?", "Почему изменилась сумма счёта?"}}},
		{ID: "budget", Questions: map[connectors.Language][]string{
			en: {"Can we increase the ad budget?", "How do I change the daily budget?"}}},
	}
}

func TestMatchRanksTheSharedRareWordFirst(t *testing.T) {
	ix := NewIndex(sanityBase())
	tests := []struct {
		q    string
		lang connectors.Language
		want string
	}{
		{"when is the monthly report ready", en, "report"},
		{"when will you send the invoice", en, "invoice"},
		{"could we increase our daily budget", en, "budget"},
		{"почему изменился счёт?", ru, "invoice"},
		{"где посмотреть отчёты?", ru, "report"},
	}
	for _, tt := range tests {
		ms := ix.Match(tt.q, tt.lang, 3)
		if len(ms) == 0 || ms[0].EntryID != tt.want {
			t.Errorf("Match(%q) = %+v, want %s first", tt.q, ms, tt.want)
		}
		for i := 1; i < len(ms); i++ {
			if ms[i].Score > ms[i-1].Score {
				t.Errorf("Match(%q) not sorted: %+v", tt.q, ms)
			}
		}
	}
}

func TestMatchScoreIsNormalised(t *testing.T) {
	// One example's score, not averaged with the entry's others (topK 1).
	p := defaultParams()
	p.topK = 1
	ix := newIndex(sanityBase(), p, nil)
	// The example itself scores 1 (within rounding); extra unknown words
	// lower the score; a language without examples matches nothing.
	exact := ix.Match("Where can I see the report?", en, 1)
	if len(exact) != 1 || exact[0].Score < 0.99 || exact[0].Score > 1 {
		t.Fatalf("exact example scored %+v, want ≈1", exact)
	}
	longer := ix.Match("Where can I see the report for our new Lisbon franchise?", en, 1)
	if len(longer) != 1 || longer[0].Score >= exact[0].Score {
		t.Errorf("a question with unrelated words scored %+v, want below %v", longer, exact[0].Score)
	}
	if ms := ix.Match("Коли буде звіт?", uk, 1); len(ms) != 0 {
		t.Errorf("no uk examples, yet %+v", ms)
	}
	if ms := ix.Match("report for our new Lisbon franchise?", en, 1); len(ms) != 0 {
		t.Errorf("one shared word in a longer message matched %+v; two are needed", ms)
	}
	if _, ok := ix.Assess("Where can I see the report?", en, 1).Suggestion(1.01); ok {
		t.Error("a suggestion passed a threshold above every score")
	}
}

func TestMatchScoreScaleDoesNotDependOnBaseSize(t *testing.T) {
	small := NewIndex(sanityBase())
	big := NewIndex(append(sanityBase(), syntheticBase(200, 1)...))
	q := "When will the monthly report be ready?"
	a, b := small.Match(q, en, 1), big.Match(q, en, 1)
	if len(a) == 0 || len(b) == 0 || a[0].EntryID != "report" || b[0].EntryID != "report" {
		t.Fatalf("small %+v, big %+v", a, b)
	}
	if math.Abs(a[0].Score-b[0].Score) > 0.02 || a[0].Score < 0.5 {
		t.Errorf("an exact example scores %.3f in a small base and %.3f in a big one; want both the same, well above the threshold", a[0].Score, b[0].Score)
	}
}

// An entry one of whose short examples shares two words with a question
// ("when", "ready") does not reach the threshold on that alone: the entry
// score averages its three best examples, and the others share nothing.
func TestMatchAveragesAnEntrysBestExamples(t *testing.T) {
	entries := []Entry{
		{ID: "task-status", Questions: map[connectors.Language][]string{en: {
			"When will the task be ready?", "What is the status of our task?", "Is the landing page task done?",
		}}},
		{ID: "report-when", Questions: map[connectors.Language][]string{en: {
			"When will the monthly report be ready?", "Is the report for last month ready?", "Where is the monthly report?",
		}}},
	}
	q := "When will the report be ready?"
	threshold := DefaultConfig().Threshold
	score := func(ms []Match, id string) float64 {
		for _, m := range ms {
			if m.EntryID == id {
				return m.Score
			}
		}
		return 0
	}
	ms := NewIndex(entries).Match(q, en, 2)
	if len(ms) == 0 || ms[0].EntryID != "report-when" || ms[0].Score < threshold {
		t.Fatalf("Match(%q) = %+v, want report-when first above %.2f", q, ms, threshold)
	}
	if s := score(ms, "task-status"); s >= threshold {
		t.Errorf("task-status scored %.3f on one short example; want below %.2f", s, threshold)
	}
	one := defaultParams()
	one.topK = 1
	if s := score(newIndex(entries, one, nil).Match(q, en, 2), "task-status"); s < threshold {
		t.Errorf("with the best example alone task-status scored %.3f; the test needs it above %.2f to mean anything", s, threshold)
	}
}

// syntheticBase generates n entries with three questions per language from
// a fixed vocabulary, deterministic in seed.
func syntheticBase(n int, seed uint64) []Entry {
	r := rand.New(rand.NewPCG(seed, seed))
	vocab := map[connectors.Language][]string{
		en: strings.Fields("report invoice budget campaign access keyword traffic ranking lead conversion call meeting contract task page site price card account review status launch analytics goal tracking click cost spend month week sheet link team manager specialist payment transfer currency banner text photo blog landing search organic"),
		ru: strings.Fields("отчёт счёт бюджет кампания доступ ключевые трафик позиции заявка конверсия звонок встреча договор задача страница сайт цена карта аккаунт модерация статус запуск аналитика цель отслеживание клик стоимость расход месяц неделя таблица ссылка команда менеджер специалист оплата перевод валюта баннер текст фото блог лендинг поиск органика"),
		uk: strings.Fields("звіт рахунок бюджет кампанія доступ ключові трафік позиції заявка конверсія дзвінок зустріч договір задача сторінка сайт ціна картка акаунт модерація статус запуск аналітика ціль відстеження клік вартість витрати місяць тиждень таблиця посилання команда менеджер фахівець оплата переказ валюта банер текст фото блог лендінг пошук органіка"),
	}
	lead := map[connectors.Language][]string{
		en: {"when will", "why did", "how do we", "can we", "where is"},
		ru: {"когда будет", "почему", "как", "можно ли", "где"},
		uk: {"коли буде", "чому", "як", "чи можна", "де"},
	}
	out := make([]Entry, 0, n)
	for i := range n {
		e := Entry{ID: fmt.Sprintf("synthetic-%d", i), Questions: map[connectors.Language][]string{}, Answers: map[connectors.Language]string{}}
		for lang, words := range vocab {
			for range 3 {
				q := lead[lang][r.IntN(len(lead[lang]))]
				for range 3 + r.IntN(4) {
					q += " " + words[r.IntN(len(words))]
				}
				e.Questions[lang] = append(e.Questions[lang], q+"?")
			}
			e.Answers[lang] = "answer " + e.ID
		}
		out = append(out, e)
	}
	return out
}

func TestSuggestionRendering(t *testing.T) {
	d := TemplateData{Client: "Acme", AM: "<@U1>", AMName: "Anna", Question: "Where is\nthe report?", Answer: "Pinned.", EntryID: "report", Score: 72}
	text, blocks, err := Suggestion(en, "C1/1.2", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, ">Where is\n>the report?") || !strings.Contains(text, "Pinned.") || !strings.Contains(text, "72%") {
		t.Errorf("text %q", text)
	}
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil || len(bs) != 2 {
		t.Fatalf("blocks %s: %v", blocks, err)
	}
	els := bs[1]["elements"].([]any)
	for i, want := range []string{ActionPost, ActionReject} {
		b := els[i].(map[string]any)
		if b["action_id"] != want || b["value"] != "C1/1.2" {
			t.Errorf("button %d = %v, want %s with the key", i, b, want)
		}
	}
	for lang, want := range map[connectors.Language]string{ru: "Anna, ваш аккаунт-менеджер", uk: "Anna, ваш акаунт-менеджер", en: "Anna, your account manager"} {
		got, err := PostText(lang, d)
		if err != nil || !strings.HasPrefix(got, "Pinned.") || !strings.Contains(got, want) {
			t.Errorf("PostText(%s) = %q, %v", lang, got, err)
		}
	}
}

func TestGroupUnmatched(t *testing.T) {
	if j := Jaccard([]string{"a", "b", "c"}, []string{"b", "c", "d"}); j != 0.5 {
		t.Errorf("Jaccard = %v, want 0.5", j)
	}
	qs := []Unmatched{
		{ClientID: "acme", Lang: ru, Text: "скидка постоянным клиентам?", Terms: []string{"скидк", "постоя", "клиент"}},
		{ClientID: "globex", Lang: ru, Text: "есть скидка для клиентов?", Terms: []string{"скидк", "клиент"}},
		{ClientID: "acme", Lang: ru, Text: "постоянным клиентам скидка?", Terms: []string{"постоя", "клиент", "скидк"}},
		{ClientID: "acme", Lang: uk, Text: "знижка постійним клієнтам?", Terms: []string{"знижк", "постійн", "клієнт"}},
		{ClientID: "acme", Lang: ru, Text: "где офис?", Terms: []string{"офис"}},
		{ClientID: "acme", Lang: ru, Text: "офис где?", Terms: []string{"офис"}},
		{ClientID: "acme", Lang: ru, Text: "спасибо", Terms: nil},
	}
	got := GroupUnmatched(qs, 2)
	if len(got) != 2 || got[0].Count != 3 || got[1].Count != 2 {
		t.Fatalf("groups %+v, want discount ×3 then office ×2", got)
	}
	if line := got[0].Line(); line != `3× (ru; acme, globex) "скидка постоянным клиентам?"` {
		t.Errorf("line %s", line)
	}
	if len(GroupUnmatched(qs, 4)) != 0 {
		t.Error("groups below the minimum were returned")
	}
}

// TestShortMessageMatchesOnOneRareWord checks the short-message rule: a
// message of one or two content words may match through a single word
// only one entry has; a word several entries share is not enough, nor is
// a single shared word in a longer message.
func TestShortMessageMatchesOnOneRareWord(t *testing.T) {
	base := append(sanityBase(), Entry{ID: "invoice-report", Questions: map[connectors.Language][]string{
		en: {"Is the invoice in the report?", "Where is the invoice report?"}}})
	ix := NewIndex(base)
	if ms := ix.Match("budget?", en, 1); len(ms) != 1 || ms[0].EntryID != "budget" {
		t.Errorf("Match(budget?) = %+v, want the budget entry (its word alone)", ms)
	}
	if ms := ix.Match("report?", en, 1); len(ms) != 0 {
		t.Errorf("Match(report?) = %+v; the word belongs to two entries, so nothing", ms)
	}
	if ms := ix.Match("our budget for the franchise launch in Lisbon?", en, 1); len(ms) != 0 {
		t.Errorf("a longer message with one shared word matched %+v", ms)
	}
	p := defaultParams()
	p.shortTerms = 0
	if ms := newIndex(base, p, nil).Match("budget?", en, 1); len(ms) != 0 {
		t.Errorf("with the rule off, one word matched %+v", ms)
	}
}

// TestNegativePhrasingsStopALookalike: a message closer to an entry's not:
// phrasing than to its own is not given the entry; without the negative it
// would be.
func TestNegativePhrasingsStopALookalike(t *testing.T) {
	entry := Entry{ID: "campaign-status", Questions: map[connectors.Language][]string{en: {
		"Are our ads running right now?", "Why did our ads stop running?", "Is the search campaign live?"}}}
	// The shipped near misses off, so that only the entry's own negative
	// can stop the match.
	p := defaultParams()
	p.noneMargin = 1
	q := "Are you running Snapchat ads for anyone right now?"
	if ms := newIndex([]Entry{entry}, p, nil).Match(q, en, 1); len(ms) == 0 {
		t.Fatalf("without a negative %q matched nothing; the test needs a lookalike", q)
	}
	entry.Not = map[connectors.Language][]string{en: {"Do you run Snapchat ads?"}}
	if ms := newIndex([]Entry{entry}, p, nil).Match(q, en, 1); len(ms) != 0 {
		t.Errorf("with the negative: %+v", ms)
	}
	if ms := newIndex([]Entry{entry}, p, nil).Match("Are our search ads running right now?", en, 1); len(ms) != 1 {
		t.Errorf("the entry's own question lost its match: %+v", ms)
	}
}

// TestSynonymsJoinWords: a word of an agency synonym group matches the
// entry written with another word of the group, and the shipped groups
// apply without being given.
func TestSynonymsJoinWords(t *testing.T) {
	base := []Entry{{ID: "dashboard", Questions: map[connectors.Language][]string{en: {
		"Where is the dashboard link?", "The dashboard does not load"}}},
		{ID: "leads", Questions: map[connectors.Language][]string{ru: {"Заявки перестали приходить, почему?"}}}}
	q := "Where is the scoreboard link?"
	without := NewIndex(base).Match(q, en, 1)
	with := NewIndex(base, []string{"dashboard", "scoreboard"}).Match(q, en, 1)
	if len(with) != 1 || with[0].Score < 0.95 || (len(without) > 0 && without[0].Score > with[0].Score-0.2) {
		t.Errorf("with the group %+v, without %+v; want ≈1 with it, far lower without", with, without)
	}
	if ms := NewIndex(base).Match("Лиды перестали приходить, почему?", ru, 1); len(ms) != 1 || ms[0].Score < 0.9 {
		t.Errorf("shipped лиды/заявки: %+v", ms)
	}
}

// TestSynonymsJoinInflectedForms: every case form of a synonym joins its
// group, also those whose stems differ from the listed word's («заявок»
// against «заявки», «обращений», «звонка» against «звонок»), while verbs
// of a group keep their own forms.
func TestSynonymsJoinInflectedForms(t *testing.T) {
	ix := NewIndex(nil)
	for _, tt := range []struct {
		lang  connectors.Language
		words []string
	}{
		{ru, []string{"заявки", "заявок", "заявками", "лидов", "обращений", "обращениями", "лиды"}},
		{ru, []string{"звонок", "звонка", "звонки", "созвон", "созвоны"}},
		{ru, []string{"счет", "счета", "счету", "инвойсе", "инвойсов"}},
		{uk, []string{"заявки", "заявок", "лідів", "звернень", "звернення"}},
		{uk, []string{"звіт", "звіту", "звітів", "звітом"}},
	} {
		want := ix.Terms(tt.words[0], tt.lang)
		for _, w := range tt.words[1:] {
			if got := ix.Terms(w, tt.lang); len(got) != 1 || len(want) != 1 || got[0] != want[0] {
				t.Errorf("%s: %q → %v, %q → %v; want the same group", tt.lang, tt.words[0], want, w, got)
			}
		}
	}
	// Unrelated words do not join.
	if a, b := ix.Terms("заявок", ru), ix.Terms("задача", ru); a[0] == b[0] {
		t.Errorf("заявок and задача joined: %v", a)
	}
}

func TestOneWordPhrasingSaysWhatABareWordMeans(t *testing.T) {
	base := []Entry{
		{ID: "report-when", Questions: map[connectors.Language][]string{
			ru: {"Когда будет отчёт за месяц?", "Где посмотреть отчёт?", "Отчёт?"}}},
		{ID: "report-sharing", Questions: map[connectors.Language][]string{
			ru: {"Перешлите отчёт директору", "Добавьте коллегу к отчёту"}}},
		{ID: "invoice", Questions: map[connectors.Language][]string{
			ru: {"Когда придёт счёт?", "Счёт?"}}},
	}
	ix := NewIndex(base)
	for q, want := range map[string]string{"отчёт?": "report-when", "отчет где": "report-when", "а счёт?": "invoice"} {
		o := ix.Assess(q, ru, 3)
		if m, ok := o.Suggestion(DefaultConfig().Threshold); !ok || m.EntryID != want {
			t.Errorf("%q: got %+v, want %s", q, o.Matches, want)
		}
	}
	// A word two entries list alone decides nothing.
	base[1].Questions[ru] = append(base[1].Questions[ru], "Отчёт?")
	if o := NewIndex(base).Assess("отчёт?", ru, 3); len(o.Matches) != 0 {
		t.Errorf("отчёт? with two one-word phrasings: got %+v, want nothing", o.Matches)
	}
}

func TestSettled(t *testing.T) {
	d := TemplateData{Client: "Acme", AMName: "Anna", Question: "when is\nthe report?", Answer: "Daily.", EntryID: "report-when", Score: 71}
	for _, tc := range []struct {
		lang            connectors.Language
		posted, learned bool
		want            string
	}{
		{en, true, true, "✅ Answer posted in the client's thread. Liaison learned this wording for report-when, so similar questions match better."},
		{en, false, false, `Marked "Not this one".`},
		{uk, true, false, "✅ Відповідь надіслано в тред клієнта."},
		{uk, false, true, "Позначено «Не те»: на це формулювання report-when більше не пропонуватиметься."},
		{ru, true, false, "✅ Ответ отправлен в тред клиента."},
	} {
		text, blocks, err := Settled(tc.lang, d, tc.posted, tc.learned)
		if err != nil || text != tc.want {
			t.Errorf("%s posted=%v learned=%v: %q (%v), want %q", tc.lang, tc.posted, tc.learned, text, err, tc.want)
		}
		b := string(blocks)
		if strings.Contains(b, ActionPost) || strings.Contains(b, ActionReject) || !strings.Contains(b, "Daily.") ||
			!strings.Contains(b, `\u003ethe report?`) && !strings.Contains(b, ">the report?") {
			t.Errorf("%s blocks %s: want the quoted question and the answer, no buttons", tc.lang, b)
		}
	}
}
