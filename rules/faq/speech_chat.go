package faq

import "strings"

// Chat questions: clients in Slack drop the question mark, put the
// question word in the middle ("отчёт где", "из чего состоит счёт"), state
// a problem instead of asking about it ("трафик с гугла упал", "не можем
// найти ссылку") or ask with a bare "please". These rules apply only when
// the strict ones (a question mark, a question word first, an imperative,
// a modal with a verb) found nothing, and an acknowledgement ("ок,
// спасибо", "thanks, got it") keeps a message out of them.

var (
	// midQuestion are question words that make a sentence a question
	// wherever they stand.
	midQuestion = wordSet(`где куда откуда какой какая какие каких какое каким какую каком какого какому
		сколько кто кому кого чего что чем зачем ли
		де куди звідки який яка які яких яке яким яку якому якого якої скільки хто кому кого чого що чим навіщо чи
		шо че чо where what which who whom whose how whats wheres hows whos`)
	// notQuestionAfter: "что", "как", "чем" after these words join a
	// clause ("так как", "потому что", "больше чем").
	notQuestionAfter = wordSet(`так потому то чтобы также больше меньше лучше хуже раньше позже бо тому ніж`)
	// problemWords state something wrong, which asks for an answer.
	problemWords = wordSet(`нет нету ноль нуль мало меньше дорого дороже висит висят висить висять немає нема менше
		дорожче ждем жду ждет ждут ждемо чекаємо чекаю чекає вообще взагалі сейчас зараз
		no not zero none missing nothing stopped broken pending disapproved rejected expensive waiting
		dropped drop drops fell falling down halved lost gone fewer lower still
		больше більше більша більший выше вище higher нужен нужна нужны потрібен потрібна потрібні need needed wants
		обычно обычного зазвичай usual толку pricey pricier costly crazy insane ridiculous awful terrible barely
		новости новини апдейт апдейты оновлення eta status update updates progress news`)
	// problemStems start Russian and Ukrainian words of a problem:
	// "упал", "просели", "пропали", "подорожал", "отклонили", "впав".
	problemStems = []string{"упал", "упа", "просел", "просев", "просід", "просів", "пропал", "пропа", "зник",
		"снизил", "снизи", "сниж", "подорож", "отклон", "відхил", "заблок", "сломал", "слома", "злама",
		"впав", "впал", "впала", "впали", "пада", "обвал", "исчез",
		"дорожа", "дорожч", "вырос", "выросл", "вирос", "вирасл", "зросл", "зріс", "disappear", "tank", "dried"}
	// enNegations are English negations as normalisation writes them.
	enNegations = wordSet(`cant cannot couldnt dont doesnt didnt havent hasnt hadnt isnt arent wasnt werent wont`)
	// harmlessNot: "не" before these is politeness, not a problem.
	harmlessNot = wordSet(`за нужно надо треба потрібно важно важливо страшно срочно терміново переживайте
		волнуйтесь хвилюйтесь против проти`)
	// pleaseWords make a message that asks for nothing else a request.
	pleaseWords = wordSet(`пожалуйста пож пж плиз будь please pls plz`)
	// futureRequests are second-person futures that ask for something
	// ("отчёт скинете?").
	futureRequests = wordSet(`скинете пришлете вышлете сделаете поменяете покажете глянете закинете кинете
		поправите добавите отправите дадите скинете подготовите обновите
		скинете надішлете зробите поміняєте покажете глянете закинете додасте дасте оновите підготуєте`)
	// noMatter are replies to thanks.
	noMatter = wordSet(`не_за_что нема_за_що немає_за_що no_problem no_worries`)
	// ackWords make a message an acknowledgement or a thank-you.
	ackWords = wordSet(`спасибо спс благодарю благодарим дякую дякуємо дяки thanks thank thx ty
		ок окей ok okay понятно ясно зрозуміло договорились домовились agreed супер отлично чудово
		відмінно great perfect cool добре хорошо fine принято прийнято noted понял поняла зрозумів
		зрозуміла клас круто gotcha`)
)

// chatAct returns the act of sentences the strict rules read as nothing:
// a request for a bare "please" or a second-person future, a question
// for a question word anywhere or a stated problem, ActNone otherwise or
// when the message acknowledges something.
func chatAct(sentences [][]string) Act {
	for _, words := range sentences {
		for _, w := range words {
			if ackWords[w] {
				return ActNone
			}
		}
	}
	question, request := false, false
	for _, words := range sentences {
		if noMatter[strings.Join(words, "_")] {
			return ActNone
		}
	}
	for _, words := range sentences {
		for i, w := range words {
			prev := ""
			if i > 0 {
				prev = words[i-1]
			}
			switch {
			case futureRequests[w], pleaseWords[w]:
				request = true
			case midQuestion[w] && !notQuestionAfter[prev]:
				question = true
			case problemWords[w] && (i > 0 || (w != "нет" && w != "no" && w != "not")):
				question = true
			case w == "no" && i == 0 && len(words) >= 3:
				// "no leads from ads this week"
				question = true
			case enNegations[w]:
				question = true
			case (w == "не" || w == "ни") && i+1 < len(words) && !harmlessNot[words[i+1]]:
				question = true
			case (w == "yet" || w == "есть" || w == "є") && i == len(words)-1 && i > 0:
				// "отчёт уже есть", "звіт вже є", "edits done yet"
				question = true
			case (w == "можно" || w == "можна") && i == len(words)-1 && i > 0:
				// "картой тоже можно", "так можна"
				question = true
			case w == "удобно" || w == "зручно" || w == "подходит" || w == "підходить":
				question = true
			case w == "now" && prev == "right":
				question = true
			case hasProblemStem(w):
				question = true
			}
		}
	}
	switch {
	case request:
		return ActRequest
	case question:
		return ActQuestion
	}
	return ActNone
}

func hasProblemStem(w string) bool {
	for _, s := range problemStems {
		if strings.HasPrefix(w, s) {
			return true
		}
	}
	return false
}
