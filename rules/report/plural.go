package report

import (
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
)

// noun is a word's forms by CLDR plural category: one ("1 задача"), few
// ("2 задачи"), many ("5 задач") and other, the form a fraction takes
// ("1,5 часа"). English uses one and other only.
type noun struct{ one, few, many, other string }

// form returns the noun's form for a number written with decimals
// fraction digits, by the language's CLDR cardinal rules.
func (n noun) form(lang connectors.Language, x float64, decimals int) string {
	tag := language.English
	switch lang {
	case connectors.LanguageRussian:
		tag = language.Russian
	case connectors.LanguageUkrainian:
		tag = language.Ukrainian
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', decimals, 64)
	i, frac, _ := strings.Cut(s, ".")
	digits := make([]byte, 0, len(s))
	for _, r := range i + frac {
		digits = append(digits, byte(r-'0'))
	}
	switch plural.Cardinal.MatchDigits(tag, digits, len(i), len(frac)) {
	case plural.One:
		return n.one
	case plural.Few:
		return n.few
	case plural.Many:
		return n.many
	}
	return n.other
}

// decimalsOf returns how many fraction digits (0 to 2) show x exactly
// enough: 6 hours, 1.5 hours, 9.75 hours.
func decimalsOf(x float64) int {
	for d := 0; d < 2; d++ {
		p := math.Pow(10, float64(d))
		if math.Abs(math.Round(x*p)-x*p) < 1e-6 {
			return d
		}
	}
	return 2
}

// count writes a number with its noun in the client's language and
// locale: "1 задача", "2 задачи", "5 задач", "9,75 часа", "21 day".
func (c *commenter) count(x float64, n noun) string {
	d := decimalsOf(x)
	num := c.f.Format(table.Cell{Kind: table.Number, Num: x, Decimals: d})
	return num + "\u00a0" + n.form(c.in.Language, x, d)
}
