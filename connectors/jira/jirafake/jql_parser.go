package jirafake

import (
	"strings"
	"sync"
)

// jqlNode is a parsed JQL condition: jqlAnd, jqlOr, jqlNot or *jqlClause.
type jqlNode interface{ isNode() }

type jqlAnd struct{ parts []jqlNode }
type jqlOr struct{ parts []jqlNode }
type jqlNot struct{ x jqlNode }

// jqlClause is "field op operand".
type jqlClause struct {
	field    string // lower-cased field name
	rawField string
	pos      int
	propKey  string // for issue.property[propKey].propPath
	propPath string
	op       string // upper-cased: =, !=, <, <=, >, >=, ~, !~, IN, NOT IN, IS, IS NOT
	values   []jqlValue
	list     bool
}

func (jqlAnd) isNode()     {}
func (jqlOr) isNode()      {}
func (jqlNot) isNode()     {}
func (*jqlClause) isNode() {}

// jqlValue is one operand: a word, a quoted string, EMPTY or a function call.
type jqlValue struct {
	text   string
	quoted bool
	empty  bool
	fn     string // lower-cased function name when the operand is a call
	pos    int
}

type jqlOrder struct {
	field string
	desc  bool
}

type jqlQuery struct {
	where jqlNode // nil when the query has no condition
	order []jqlOrder
}

const validOperators = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."

// isKeywordValue reports words Jira refuses as unquoted operands with the
// "Expecting either a value" message; isReservedWord those that get the
// "reserved JQL word" message. Both are the subset Liaison may meet.
func isKeywordValue(w string) bool {
	switch strings.ToLower(w) {
	case "and", "or", "not", "in", "is", "order", "by":
		return true
	}
	return false
}

func isReservedWord(w string) bool {
	switch strings.ToLower(w) {
	case "true", "false", "end", "as", "select", "from", "where", "if", "else", "then", "case":
		return true
	}
	return false
}

type jqlParser struct {
	toks []token
	i    int
}

func parseJQL(s string) (*jqlQuery, error) {
	toks, err := lexJQL(s)
	if err != nil {
		return nil, err
	}
	p := &jqlParser{toks: toks}
	q := &jqlQuery{}
	if !p.atOrderBy() && p.peek().kind != tokEOF {
		q.where, err = p.parseOr()
		if err != nil {
			return nil, err
		}
	}
	if p.atOrderBy() {
		p.i += 2
		q.order, err = p.parseOrder()
		if err != nil {
			return nil, err
		}
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, syntaxErr("Expecting either 'OR' or 'AND' but got '%s'. (line 1, character %d)", t.text, t.pos)
	}
	return q, nil
}

func (p *jqlParser) peek() token { return p.toks[p.i] }

func (p *jqlParser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *jqlParser) isWord(t token, w string) bool {
	return t.kind == tokWord && strings.EqualFold(t.text, w)
}

func (p *jqlParser) atOrderBy() bool {
	return p.isWord(p.peek(), "order") && p.i+1 < len(p.toks) && p.isWord(p.toks[p.i+1], "by")
}

func (p *jqlParser) parseOr() (jqlNode, error) {
	first, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	parts := []jqlNode{first}
	for p.isWord(p.peek(), "or") {
		p.next()
		n, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		parts = append(parts, n)
	}
	if len(parts) == 1 {
		return first, nil
	}
	return jqlOr{parts}, nil
}

func (p *jqlParser) parseAnd() (jqlNode, error) {
	first, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	parts := []jqlNode{first}
	for p.isWord(p.peek(), "and") {
		p.next()
		n, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		parts = append(parts, n)
	}
	if len(parts) == 1 {
		return first, nil
	}
	return jqlAnd{parts}, nil
}

func (p *jqlParser) parseNot() (jqlNode, error) {
	t := p.peek()
	switch {
	case p.isWord(t, "not"):
		p.next()
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return jqlNot{x}, nil
	case t.kind == tokLParen:
		p.next()
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			if c.kind == tokEOF {
				return nil, syntaxErr("Expecting ')' before the end of the query.")
			}
			return nil, syntaxErr("Expecting ')' but got '%s'. (line 1, character %d)", c.text, c.pos)
		}
		return x, nil
	}
	return p.parseClause()
}

func (p *jqlParser) parseClause() (jqlNode, error) {
	t := p.next()
	switch {
	case t.kind == tokEOF:
		return nil, syntaxErr("Expecting a field name before the end of the query.")
	case t.kind == tokWord && (isKeywordValue(t.text) || strings.EqualFold(t.text, "empty")):
		return nil, syntaxErr("Expecting a field name but got '%s'. You must surround '%s' in quotation marks to use it as a field name. (line 1, character %d)", t.text, t.text, t.pos)
	case t.kind != tokWord && t.kind != tokString:
		return nil, syntaxErr("Expecting a field name but got '%s'. (line 1, character %d)", t.text, t.pos)
	}
	c := &jqlClause{field: strings.ToLower(t.text), rawField: t.text, pos: t.pos}
	if c.field == "issue.property" {
		if err := p.parsePropertyRef(c); err != nil {
			return nil, err
		}
	}
	if err := p.parseOperator(c); err != nil {
		return nil, err
	}
	if err := p.parseOperand(c); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *jqlParser) parsePropertyRef(c *jqlClause) error {
	if p.next().kind != tokLBracket {
		return syntaxErr("Expecting '[' after 'issue.property'. (line 1, character %d)", c.pos)
	}
	k := p.next()
	if k.kind != tokWord && k.kind != tokString {
		return syntaxErr("Expecting a property key but got '%s'. (line 1, character %d)", k.text, k.pos)
	}
	if r := p.next(); r.kind != tokRBracket {
		return syntaxErr("Expecting ']' but got '%s'. (line 1, character %d)", r.text, r.pos)
	}
	c.propKey = k.text
	if t := p.peek(); t.kind == tokWord && strings.HasPrefix(t.text, ".") {
		p.next()
		c.propPath = strings.TrimPrefix(t.text, ".")
	}
	return nil
}

func (p *jqlParser) parseOperator(c *jqlClause) error {
	t := p.next()
	switch {
	case t.kind == tokOp:
		c.op = t.text
	case p.isWord(t, "in"):
		c.op = "IN"
	case p.isWord(t, "is"):
		c.op = "IS"
		if p.isWord(p.peek(), "not") {
			p.next()
			c.op = "IS NOT"
		}
	case p.isWord(t, "not") && p.isWord(p.peek(), "in"):
		p.next()
		c.op = "NOT IN"
	case p.isWord(t, "was") || p.isWord(t, "changed"):
		// History operators exist in Jira, but the fake keeps no history.
		return semanticErr("The operator '%s' is not supported by the fake for field '%s'.", strings.ToUpper(t.text), c.rawField)
	case t.kind == tokEOF:
		return syntaxErr("Expecting operator before the end of the query. %s", validOperators)
	default:
		return syntaxErr("Expecting operator but got '%s'. %s (line 1, character %d)", t.text, validOperators, t.pos)
	}
	return nil
}

func (p *jqlParser) parseOperand(c *jqlClause) error {
	if c.op == "IN" || c.op == "NOT IN" {
		if t := p.peek(); t.kind != tokLParen {
			v, err := p.parseValue()
			if err != nil {
				return err
			}
			if v.fn == "" {
				return syntaxErr("Expecting '(' but got '%s'. (line 1, character %d)", v.text, v.pos)
			}
			c.values = []jqlValue{v}
			return nil
		}
		p.next()
		c.list = true
		for {
			v, err := p.parseValue()
			if err != nil {
				return err
			}
			c.values = append(c.values, v)
			t := p.next()
			if t.kind == tokRParen {
				return nil
			}
			if t.kind == tokEOF {
				return syntaxErr("Expecting ',' or ')' before the end of the query.")
			}
			if t.kind != tokComma {
				return syntaxErr("Expecting ',' or ')' but got '%s'. (line 1, character %d)", t.text, t.pos)
			}
		}
	}
	v, err := p.parseValue()
	if err != nil {
		return err
	}
	c.values = []jqlValue{v}
	return nil
}

func (p *jqlParser) parseValue() (jqlValue, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return jqlValue{text: t.text, quoted: true, pos: t.pos}, nil
	case tokWord:
		lw := strings.ToLower(t.text)
		if isKeywordValue(lw) {
			return jqlValue{}, syntaxErr("Expecting either a value, list or function but got '%s'. You must surround '%s' in quotation marks to use it as a value. (line 1, character %d)", t.text, t.text, t.pos)
		}
		if isReservedWord(lw) {
			return jqlValue{}, syntaxErr("'%s' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character %d)", t.text, t.pos)
		}
		if lw == "empty" || lw == "null" {
			return jqlValue{text: t.text, empty: true, pos: t.pos}, nil
		}
		if p.peek().kind == tokLParen {
			p.next()
			// Arguments are accepted for syntax but the supported functions take none.
			for {
				a := p.next()
				if a.kind == tokRParen {
					break
				}
				if a.kind == tokEOF {
					return jqlValue{}, syntaxErr("Expecting ')' before the end of the query.")
				}
			}
			return jqlValue{text: t.text, fn: lw, pos: t.pos}, nil
		}
		return jqlValue{text: t.text, pos: t.pos}, nil
	case tokEOF:
		return jqlValue{}, syntaxErr("Expecting either a value, list or function before the end of the query.")
	}
	return jqlValue{}, syntaxErr("Expecting either a value, list or function but got '%s'. (line 1, character %d)", t.text, t.pos)
}

func (p *jqlParser) parseOrder() ([]jqlOrder, error) {
	var out []jqlOrder
	for {
		t := p.next()
		if t.kind != tokWord && t.kind != tokString {
			if t.kind == tokEOF {
				return nil, syntaxErr("Expecting a field name before the end of the query.")
			}
			return nil, syntaxErr("Expecting a field name but got '%s'. (line 1, character %d)", t.text, t.pos)
		}
		o := jqlOrder{field: strings.ToLower(t.text)}
		if d := p.peek(); p.isWord(d, "asc") || p.isWord(d, "desc") {
			p.next()
			o.desc = strings.EqualFold(d.text, "desc")
		}
		out = append(out, o)
		if p.peek().kind != tokComma {
			break
		}
		p.next()
	}
	if len(out) > 7 {
		return nil, semanticErr("The ORDER BY clause can contain a maximum of 7 fields.")
	}
	return out, nil
}

// maxParsedJQL bounds the parse cache; a full cache is emptied and
// refilled, which keeps the queries of a running pull.
const maxParsedJQL = 256

// parsedJQL is one query string's parse: the tree or the error Jira
// answers for it.
type parsedJQL struct {
	q   *jqlQuery
	err error
}

// parseCache keeps parsed queries by their text, so that a pull paging
// through one long query (a backfill listing thousands of projects) is
// parsed once, not once a page. Parsing is a function of the text alone
// and compilation does not change the tree, so sharing it is safe.
type parseCache struct {
	mu       sync.Mutex
	entries  map[string]parsedJQL
	compiled map[compiledKey]*compiledQuery // see Fake.compiledLocked
}

// compiledKey is what a compilation that does not read the clock depends
// on: the text, the user (currentUser()) and the data (project and user
// names resolve against it).
type compiledKey struct {
	jql     string
	user    string
	version uint64
}

func (c *parseCache) parse(s string) (*jqlQuery, error) {
	c.mu.Lock()
	p, ok := c.entries[s]
	c.mu.Unlock()
	if ok {
		return p.q, p.err
	}
	q, err := parseJQL(s)
	c.mu.Lock()
	if len(c.entries) >= maxParsedJQL {
		clear(c.entries)
	}
	c.entries[s] = parsedJQL{q: q, err: err}
	c.mu.Unlock()
	return q, err
}
