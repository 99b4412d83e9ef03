package table

import (
	"strings"
	"time"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Formatter shows cells as a reader of one locale expects them: grouping
// and decimal separators, percent sign spacing, the currency symbol's
// place and date order. Renderers (text, HTML) share it so that the
// terminal, the demo page and the spreadsheet agree. A Formatter is not
// safe for concurrent use.
type Formatter struct {
	lang    string // "ru", "uk", "en"
	locale  string
	code    string
	p       *message.Printer
	symbol  string
	symLead bool                  // symbol before the amount ("$1.00") rather than after ("1,00 ₴")
	others  map[string]*Formatter // same locale, other currencies, built on first use
}

// NewFormatter returns a Formatter for a workbook locale such as "ru_RU"
// or "en_US" and an ISO 4217 currency code. An unknown locale formats as
// English; an unknown currency shows its code.
func NewFormatter(locale, currencyCode string) *Formatter {
	lang, _, _ := strings.Cut(strings.ReplaceAll(locale, "-", "_"), "_")
	lang = strings.ToLower(lang)
	tag, err := language.Parse(lang)
	if err != nil || lang == "" {
		lang, tag = "en", language.English
	}
	f := &Formatter{lang: lang, locale: locale, code: currencyCode, p: message.NewPrinter(tag), symbol: currencyCode, symLead: lang == "en"}
	if u, err := currency.ParseISO(currencyCode); err == nil {
		f.symbol = f.p.Sprint(currency.NarrowSymbol(u))
	}
	return f
}

// Format returns the cell's display text. A Blank numeric cell is "".
func (f *Formatter) Format(c Cell) string {
	switch c.Kind {
	case Text, Link:
		return c.Text
	case Date:
		return f.Date(c.Text)
	}
	if c.Blank {
		return ""
	}
	var s string
	switch c.Kind {
	case Integer:
		s = f.p.Sprint(number.Decimal(c.Num, number.MaxFractionDigits(0)))
	case Number:
		s = f.p.Sprint(number.Decimal(c.Num, number.MinFractionDigits(c.Decimals), number.MaxFractionDigits(c.Decimals)))
	case Percent:
		s = f.p.Sprint(number.Percent(c.Num, number.MinFractionDigits(c.Decimals), number.MaxFractionDigits(c.Decimals)))
	case Currency:
		if c.Currency != "" && c.Currency != f.code {
			s = f.in(c.Currency).Money(c.Num)
		} else {
			s = f.Money(c.Num)
		}
	}
	if c.Signed && c.Num > 0 && s != "" {
		s = "+" + s
	}
	return s
}

// in returns a formatter of the same locale for another currency.
func (f *Formatter) in(code string) *Formatter {
	if o, ok := f.others[code]; ok {
		return o
	}
	if f.others == nil {
		f.others = map[string]*Formatter{}
	}
	o := NewFormatter(f.locale, code)
	f.others[code] = o
	return o
}

// Money formats an amount in the formatter's currency with two decimals.
func (f *Formatter) Money(x float64) string {
	n := f.p.Sprint(number.Decimal(abs(x), number.MinFractionDigits(2), number.MaxFractionDigits(2)))
	sign := ""
	if x < 0 && n != f.p.Sprint(number.Decimal(0.0, number.MinFractionDigits(2), number.MaxFractionDigits(2))) {
		sign = "-"
	}
	if f.symbol == "" {
		return sign + n
	}
	if f.symLead {
		return sign + f.symbol + n
	}
	return sign + n + "\u00a0" + f.symbol
}

// Date formats a civil date "2006-01-02": "02.12.2026" in Russian and
// Ukrainian, "Dec 2, 2026" in English. Text that is not a date is
// returned as is.
func (f *Formatter) Date(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	if f.lang == "en" {
		return t.Format("Jan 2, 2006")
	}
	return t.Format("02.01.2006")
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
