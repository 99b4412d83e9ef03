package jirafake

import (
	"fmt"
	"strings"
	"unicode"
)

// tokKind classifies a JQL token.
type tokKind int

const (
	tokEOF    tokKind = iota
	tokWord           // unquoted word: field names, keywords, unquoted values
	tokString         // quoted string
	tokOp             // = != < <= > >= ~ !~
	tokLParen
	tokRParen
	tokComma
	tokLBracket
	tokRBracket
)

// token is one lexeme with its 1-based column, which Jira reports as "character N".
type token struct {
	kind tokKind
	text string
	pos  int
}

// jqlError is a JQL problem; Jira answers it with 400 and the message in errorMessages.
type jqlError struct{ msg string }

func (e *jqlError) Error() string { return e.msg }

func syntaxErr(format string, args ...any) error {
	return &jqlError{msg: "Error in the JQL Query: " + fmt.Sprintf(format, args...)}
}

func semanticErr(format string, args ...any) error {
	return &jqlError{msg: fmt.Sprintf(format, args...)}
}

// isWordRune reports runes Jira accepts in an unquoted string. Jira reserves
// most punctuation; '-', '.', ':' and '_' are allowed because keys, dates and
// relative periods ("-5d") use them.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-._:*", r)
}

func lexJQL(s string) ([]token, error) {
	rs := []rune(s)
	var out []token
	for i := 0; i < len(rs); {
		r := rs[i]
		pos := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			out = append(out, token{tokLParen, "(", pos})
			i++
		case r == ')':
			out = append(out, token{tokRParen, ")", pos})
			i++
		case r == ',':
			out = append(out, token{tokComma, ",", pos})
			i++
		case r == '[':
			out = append(out, token{tokLBracket, "[", pos})
			i++
		case r == ']':
			out = append(out, token{tokRBracket, "]", pos})
			i++
		case r == '=' || r == '~':
			out = append(out, token{tokOp, string(r), pos})
			i++
		case r == '!' || r == '<' || r == '>':
			if i+1 < len(rs) && (rs[i+1] == '=' || (r == '!' && rs[i+1] == '~')) {
				out = append(out, token{tokOp, string(rs[i : i+2]), pos})
				i += 2
				continue
			}
			if r == '!' {
				return nil, syntaxErr("The character '!' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0021' instead. (line 1, character %d)", pos)
			}
			out = append(out, token{tokOp, string(r), pos})
			i++
		case r == '"' || r == '\'':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(rs) {
				c := rs[j]
				if c == '\\' && j+1 < len(rs) {
					b.WriteRune(rs[j+1])
					j += 2
					continue
				}
				if c == r {
					closed = true
					j++
					break
				}
				b.WriteRune(c)
				j++
			}
			if !closed {
				return nil, syntaxErr("The quoted string '%s' has not been completed. (line 1, character %d)", string(rs[i:]), pos)
			}
			out = append(out, token{tokString, b.String(), pos})
			i = j
		case isWordRune(r):
			j := i
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			out = append(out, token{tokWord, string(rs[i:j]), pos})
			i = j
		default:
			return nil, syntaxErr("The character '%c' is a reserved JQL character. You must enclose it in a string or use the escape '\\u%04x' instead. (line 1, character %d)", r, r, pos)
		}
	}
	out = append(out, token{kind: tokEOF, pos: len(rs) + 1})
	return out, nil
}
