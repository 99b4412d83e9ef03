package googleadsfake

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// fields the fake can report from the campaign resource, with the JSON
// path (proto field names in lowerCamelCase) each lands at.
var selectable = map[string]bool{
	"customer.id": true, "customer.currency_code": true, "customer.time_zone": true, "customer.descriptive_name": true,
	"campaign.id": true, "campaign.name": true, "campaign.status": true, "campaign.resource_name": true,
	"segments.date":       true,
	"metrics.impressions": true, "metrics.clicks": true, "metrics.cost_micros": true, "metrics.conversions": true,
	"metrics.conversions_value": true, "metrics.ctr": true, "metrics.average_cpc": true,
}

// query is the part of GAQL the fake understands: the shape Liaison sends.
type query struct {
	fields   []string
	from, to string // segments.date BETWEEN bounds, inclusive
	orderBy  string
	desc     bool
	limit    int
}

// queryError is a GAQL the fake refuses, with the QueryError enum value
// Google would put in errorCode.queryError.
type queryError struct {
	code string
	msg  string
}

func (e *queryError) Error() string { return e.code + ": " + e.msg }

type lexer struct {
	toks []string
	pos  int
}

func lex(s string) ([]string, *queryError) {
	var out []string
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case c == ',' || c == '=' || c == '<' || c == '>' || c == '!':
			out = append(out, string(c))
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], s[i])
			if j < 0 {
				return nil, &queryError{"STRING_NOT_TERMINATED", "string literal not terminated"}
			}
			out = append(out, s[i:i+j+2])
			i += j + 2
		case c == '.' || c == '_' || c == '-' || unicode.IsLetter(c) || unicode.IsDigit(c):
			j := i
			for j < len(s) && (s[j] == '.' || s[j] == '_' || s[j] == '-' || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		default:
			return nil, &queryError{"BAD_SYMBOL", fmt.Sprintf("unexpected symbol %q", c)}
		}
	}
	return out, nil
}

func (l *lexer) peek() string {
	if l.pos < len(l.toks) {
		return l.toks[l.pos]
	}
	return ""
}

func (l *lexer) next() string {
	t := l.peek()
	if t != "" {
		l.pos++
	}
	return t
}

func (l *lexer) keyword(kw, code string) *queryError {
	t := l.next()
	if t == "" {
		return &queryError{"UNEXPECTED_END_OF_QUERY", "expected " + kw}
	}
	if !strings.EqualFold(t, kw) {
		return &queryError{code, fmt.Sprintf("expected %s, found %q", kw, t)}
	}
	return nil
}

func dateLiteral(t string) (string, *queryError) {
	if len(t) < 2 || (t[0] != '\'' && t[0] != '"') {
		return "", &queryError{"EXPECTED_VALUE_WITH_BETWEEN_OPERATOR", fmt.Sprintf("expected a date literal, found %q", t)}
	}
	v := t[1 : len(t)-1]
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return "", &queryError{"INVALID_DATE_FORMAT", fmt.Sprintf("%q is not a date in YYYY-MM-DD format", v)}
	}
	return v, nil
}

// parseQuery parses SELECT f, ... FROM campaign WHERE segments.date BETWEEN
// 'a' AND 'b' [ORDER BY f [ASC|DESC]] [LIMIT n]. Anything else is refused
// with the error Google would give, never silently ignored.
func parseQuery(s string) (*query, *queryError) {
	toks, qe := lex(s)
	if qe != nil {
		return nil, qe
	}
	l := &lexer{toks: toks}
	if qe := l.keyword("SELECT", "EXPECTED_SELECT"); qe != nil {
		return nil, qe
	}
	q := &query{}
	seen := map[string]bool{}
	for {
		f := l.next()
		switch {
		case f == "":
			return nil, &queryError{"UNEXPECTED_END_OF_QUERY", "expected a field name"}
		case strings.EqualFold(f, "FROM") || f == ",":
			return nil, &queryError{"BAD_FIELD_NAME", "expected a field name, found " + f}
		case !strings.Contains(f, "."):
			return nil, &queryError{"BAD_FIELD_NAME", fmt.Sprintf("%q is not a field name", f)}
		case !selectable[f]:
			return nil, &queryError{"UNRECOGNIZED_FIELD", fmt.Sprintf("unrecognized field in the query: %q", f)}
		}
		if !seen[f] {
			q.fields = append(q.fields, f)
			seen[f] = true
		}
		if l.peek() != "," {
			break
		}
		l.next()
	}
	if qe := l.keyword("FROM", "EXPECTED_FROM"); qe != nil {
		return nil, qe
	}
	if res := l.next(); res == "" {
		return nil, &queryError{"UNEXPECTED_END_OF_QUERY", "expected a resource after FROM"}
	} else if res != "campaign" {
		return nil, &queryError{"PROHIBITED_RESOURCE_TYPE_IN_FROM_CLAUSE", fmt.Sprintf("the fake serves FROM campaign only, not %q", res)}
	}
	if l.peek() == "" {
		if seen["segments.date"] {
			return nil, &queryError{"EXPECTED_FILTERS_ON_DATE_RANGE", "segments.date in SELECT needs a date range in WHERE"}
		}
		return nil, &queryError{"EXPECTED_FILTERS_ON_DATE_RANGE", "the fake needs WHERE segments.date BETWEEN"}
	}
	if qe := l.keyword("WHERE", "UNEXPECTED_INPUT"); qe != nil {
		return nil, qe
	}
	if f := l.next(); f != "segments.date" {
		return nil, &queryError{"PROHIBITED_FIELD_IN_WHERE_CLAUSE", fmt.Sprintf("the fake filters on segments.date only, not %q", f)}
	}
	if qe := l.keyword("BETWEEN", "BAD_OPERATOR"); qe != nil {
		return nil, qe
	}
	var err *queryError
	if q.from, err = dateLiteral(l.next()); err != nil {
		return nil, err
	}
	if qe := l.keyword("AND", "EXPECTED_AND"); qe != nil {
		return nil, qe
	}
	if q.to, err = dateLiteral(l.next()); err != nil {
		return nil, err
	}
	if q.to < q.from {
		return nil, &queryError{"INVALID_VALUE_WITH_BETWEEN_OPERATOR", "the end date is before the start date"}
	}
	if strings.EqualFold(l.peek(), "ORDER") {
		l.next()
		if qe := l.keyword("BY", "EXPECTED_BY"); qe != nil {
			return nil, qe
		}
		q.orderBy = l.next()
		if !seen[q.orderBy] {
			return nil, &queryError{"EXPECTED_REFERENCED_FIELD_IN_SELECT_CLAUSE", fmt.Sprintf("ORDER BY %q needs the field in SELECT", q.orderBy)}
		}
		switch strings.ToUpper(l.peek()) {
		case "DESC":
			q.desc = true
			l.next()
		case "ASC":
			l.next()
		}
	}
	if strings.EqualFold(l.peek(), "LIMIT") {
		l.next()
		n, perr := strconv.Atoi(l.next())
		if perr != nil || n <= 0 {
			return nil, &queryError{"BAD_LIMIT_VALUE", "LIMIT needs a positive integer"}
		}
		q.limit = n
	}
	if t := l.peek(); t != "" {
		return nil, &queryError{"UNEXPECTED_INPUT", fmt.Sprintf("unexpected input %q", t)}
	}
	if !seen["segments.date"] && !hasPrefix(q.fields, "metrics.") {
		return nil, &queryError{"EXPECTED_DIMENSION_FIELD_IN_SELECT_CLAUSE", "select segments.date or a metric"}
	}
	return q, nil
}

func hasPrefix(fields []string, p string) bool {
	for _, f := range fields {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}
