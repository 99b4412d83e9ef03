package outofhours

import (
	"strconv"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// words are the phrases FormatBack assembles, per language.
type words struct {
	today, tomorrow string
	at              func(hour int) string // the preposition before a clock time
	on              [7]string             // "on Monday", indexed by time.Weekday
	months          [12]string            // month names as they follow a day number
	onDate          string                // prefix before a date ("on " in English)
}

// wordsFor returns lang's phrases; anything but ru and uk is English. They
// are built per call rather than kept in package variables, which nothing
// would stop from being modified.
func wordsFor(lang connectors.Language) words {
	switch lang {
	case connectors.LanguageRussian:
		return words{
			today: "сегодня", tomorrow: "завтра",
			at: func(int) string { return "в" },
			// "во вторник": в before в is hard to say, so Russian adds a vowel.
			on: [7]string{"в воскресенье", "в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу"},
			months: [12]string{"января", "февраля", "марта", "апреля", "мая", "июня",
				"июля", "августа", "сентября", "октября", "ноября", "декабря"},
		}
	case connectors.LanguageUkrainian:
		return words{
			today: "сьогодні", tomorrow: "завтра",
			// "об одинадцятій": о becomes об before a vowel, and of the
			// hours only 11 starts with one.
			at: func(hour int) string {
				if hour == 11 {
					return "об"
				}
				return "о"
			},
			on: [7]string{"у неділю", "у понеділок", "у вівторок", "у середу", "у четвер", "у п'ятницю", "у суботу"},
			months: [12]string{"січня", "лютого", "березня", "квітня", "травня", "червня",
				"липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
		}
	}
	return words{
		today: "today", tomorrow: "tomorrow",
		at: func(int) string { return "at" },
		on: [7]string{"on Sunday", "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday"},
		months: [12]string{"January", "February", "March", "April", "May", "June",
			"July", "August", "September", "October", "November", "December"},
		onDate: "on ",
	}
}

// FormatBack says when back is, as seen from ref, in loc and lang (ru, uk,
// en; anything else is English): "today at 09:00", "завтра в 09:00",
// "у понеділок о 09:00" within the coming week, "on 5 January at 09:00"
// beyond it, with the year when it differs from ref's. Day words follow
// loc's calendar, so "tomorrow" is the reader's tomorrow. Clock times use
// 24 hours in every language.
func FormatBack(back, ref time.Time, loc *time.Location, lang connectors.Language) string {
	if loc == nil {
		loc = time.UTC
	}
	w := wordsFor(lang)
	b, r := back.In(loc), ref.In(loc)
	clock := w.at(b.Hour()) + " " + b.Format("15:04")
	switch days := daysBetween(r, b); {
	case days <= 0:
		return w.today + " " + clock
	case days == 1:
		return w.tomorrow + " " + clock
	case days < 7:
		return w.on[b.Weekday()] + " " + clock
	}
	date := strconv.Itoa(b.Day()) + " " + w.months[b.Month()-1]
	if b.Year() != r.Year() {
		date += " " + strconv.Itoa(b.Year())
	}
	return w.onDate + date + " " + clock
}

// daysBetween counts calendar days from a's date to b's, each read in its
// own location; UTC midnights keep DST from shortening a day.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da) / (24 * time.Hour))
}
