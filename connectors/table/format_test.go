package table

import "testing"

func TestFormatterLocales(t *testing.T) {
	const nb = "\u00a0"
	cases := []struct {
		locale, cur string
		cell        Cell
		want        string
	}{
		{"ru_RU", "UAH", I(1234567), "1" + nb + "234" + nb + "567"},
		{"en_US", "USD", I(1234567), "1,234,567"},
		{"ru_RU", "RUB", C(1234.5), "1" + nb + "234,50" + nb + "₽"},
		{"uk_UA", "UAH", C(-20), "-20,00" + nb + "₴"},
		{"en_US", "USD", C(1234.5), "$1,234.50"},
		{"en_US", "EUR", C(-0.001), "€0.00"},
		{"ru_RU", "USD", P(0.125, 1), "12,5" + nb + "%"},
		{"uk_UA", "USD", P(0.125, 1), "12,5%"},
		{"en_US", "USD", P(0.125, 2), "12.50%"},
		{"en_US", "USD", Change(110, 100), "+10.0%"},
		{"en_US", "USD", Change(90, 100), "-10.0%"},
		{"en_US", "USD", Change(90, 0), ""},
		{"ru_RU", "USD", N(3.456, 1), "3,5"},
		{"ru_RU", "USD", D("2026-11-03"), "03.11.2026"},
		{"uk_UA", "USD", D("2026-11-03"), "03.11.2026"},
		{"en_US", "USD", D("2026-11-03"), "Nov 3, 2026"},
		{"en_US", "USD", D("not a date"), "not a date"},
		{"xx", "ZZZ", C(5), "ZZZ5.00"},
		{"uk_UA", "UAH", CC(5, "EUR"), "5,00" + nb + "€"},
		{"en_US", "UAH", CC(5, "USD"), "$5.00"},
	}
	for _, c := range cases {
		if got := NewFormatter(c.locale, c.cur).Format(c.cell); got != c.want {
			t.Errorf("%s %s %+v: got %q, want %q", c.locale, c.cur, c.cell, got, c.want)
		}
	}
}
