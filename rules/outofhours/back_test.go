package outofhours

import (
	"testing"

	"github.com/liaisonhq/liaison/connectors"
)

func TestFormatBack(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	almaty := mustLoc(t, "Asia/Almaty")
	ref := wall(t, kyiv, "2026-11-25 20:00") // a Wednesday
	const ru, uk, en = connectors.LanguageRussian, connectors.LanguageUkrainian, connectors.LanguageEnglish
	for _, tt := range []struct {
		back string // Kyiv wall time
		lang connectors.Language
		want string
	}{
		{"2026-11-25 21:00", en, "today at 21:00"},
		{"2026-11-25 21:00", ru, "сегодня в 21:00"},
		{"2026-11-25 21:00", uk, "сьогодні о 21:00"},
		{"2026-11-26 09:00", en, "tomorrow at 09:00"},
		{"2026-11-26 09:00", ru, "завтра в 09:00"},
		{"2026-11-26 11:00", uk, "завтра об 11:00"},
		{"2026-11-26 10:00", uk, "завтра о 10:00"},
		{"2026-11-27 09:00", en, "on Friday at 09:00"},
		{"2026-11-29 09:00", ru, "в воскресенье в 09:00"},
		{"2026-11-30 09:00", uk, "у понеділок о 09:00"},
		{"2026-12-01 09:00", ru, "во вторник в 09:00"},
		{"2026-12-01 09:00", uk, "у вівторок о 09:00"},
		{"2026-12-02 09:00", en, "on 2 December at 09:00"},
		{"2026-12-02 09:00", ru, "2 декабря в 09:00"},
		{"2026-12-02 09:00", uk, "2 грудня о 09:00"},
		{"2027-01-11 09:00", en, "on 11 January 2027 at 09:00"},
		{"2027-01-11 09:00", uk, "11 січня 2027 о 09:00"},
		{"2026-11-26 09:00", "", "tomorrow at 09:00"},
	} {
		if got := FormatBack(wall(t, kyiv, tt.back), ref, kyiv, tt.lang); got != tt.want {
			t.Errorf("FormatBack(%s, %s) = %q, want %q", tt.back, tt.lang, got, tt.want)
		}
	}

	// Day words belong to the reader's zone: 22:30 on Wednesday in Kyiv is
	// already 01:30 on Thursday in Almaty, so Thursday 09:00 in Kyiv (12:00
	// there) is "today" for an Almaty client and "tomorrow" in Kyiv.
	late := wall(t, kyiv, "2026-11-25 22:30")
	if got := FormatBack(wall(t, kyiv, "2026-11-26 09:00"), late, almaty, en); got != "today at 12:00" {
		t.Errorf("almaty reader: got %q, want %q", got, "today at 12:00")
	}
	if got := FormatBack(wall(t, kyiv, "2026-11-26 09:00"), late, kyiv, en); got != "tomorrow at 09:00" {
		t.Errorf("kyiv reader: got %q, want %q", got, "tomorrow at 09:00")
	}
	if got := FormatBack(wall(t, kyiv, "2026-11-26 09:00"), ref, nil, connectors.LanguageEnglish); got != "tomorrow at 07:00" {
		t.Errorf("nil zone reads as UTC: got %q", got)
	}
}
