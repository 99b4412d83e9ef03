package page

import (
	"html"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// refs resolves the ids that messages mention to the names a reader sees.
type refs struct {
	users    map[string]string
	channels map[string]string
}

// maxNesting bounds recursion into nested *_~ spans so that hostile text
// cannot make rendering deep; Slack itself nests far less.
const maxNesting = 8

// slackUnescaper undoes the three entities Slack uses in message text; the
// result is escaped again for HTML, so nothing from the text reaches the page raw.
var slackUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func unescapeSlack(s string) string { return slackUnescaper.Replace(s) }

// esc escapes text for element content and quoted attribute values.
func esc(s string) string { return html.EscapeString(s) }

// mrkdwn renders Slack mrkdwn as HTML: code fences and quotes first, since
// they span lines, then inline spans line by line.
func (r *refs) mrkdwn(s string) string {
	var b strings.Builder
	for s != "" {
		i := strings.Index(s, "```")
		if i < 0 {
			r.lines(&b, s)
			break
		}
		j := strings.Index(s[i+3:], "```")
		if j < 0 {
			r.lines(&b, s)
			break
		}
		r.lines(&b, strings.TrimSuffix(s[:i], "\n"))
		code := strings.TrimSuffix(strings.TrimPrefix(s[i+3:i+3+j], "\n"), "\n")
		b.WriteString(`<pre class="md-pre">`)
		b.WriteString(esc(unescapeSlack(code)))
		b.WriteString(`</pre>`)
		s = strings.TrimPrefix(s[i+3+j+3:], "\n")
	}
	return b.String()
}

// lines renders text without code fences: runs of "> " lines become one
// quote and ">>>" quotes everything after it, as in Slack.
func (r *refs) lines(b *strings.Builder, s string) {
	if s == "" {
		return
	}
	ls := strings.Split(s, "\n")
	var quote []string
	flush := func() {
		if quote == nil {
			return
		}
		b.WriteString(`<blockquote class="md-quote">`)
		r.inline(b, strings.Join(quote, "\n"), 0)
		b.WriteString(`</blockquote>`)
		quote = nil
	}
	for n, l := range ls {
		if rest, ok := cutQuote(l, true); ok {
			flush()
			quote = append([]string{rest}, ls[n+1:]...)
			flush()
			return
		}
		if rest, ok := cutQuote(l, false); ok {
			quote = append(quote, rest)
			continue
		}
		if quote != nil {
			flush()
		} else if n > 0 {
			b.WriteString("<br>")
		}
		r.inline(b, l, 0)
	}
	flush()
}

// cutQuote reports whether a line opens a quote (">" or, with triple, ">>>"),
// in raw or Slack-escaped form, and returns the rest of the line.
func cutQuote(l string, triple bool) (string, bool) {
	marks := []string{">", "&gt;"}
	if triple {
		marks = []string{">>>", "&gt;&gt;&gt;"}
	}
	for _, m := range marks {
		if rest, ok := strings.CutPrefix(l, m); ok {
			return strings.TrimPrefix(rest, " "), true
		}
	}
	return "", false
}

// inline renders one run of text: `code`, <control sequences>, *bold*,
// _italic_, ~strike~, :emoji: and line breaks; everything else is escaped.
func (r *refs) inline(b *strings.Builder, s string, depth int) {
	plain := 0 // start of the pending run of ordinary text
	emit := func(i int) {
		b.WriteString(esc(unescapeSlack(s[plain:i])))
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			emit(i)
			b.WriteString("<br>")
			i++
			plain = i
			continue
		case c == '`':
			if j := strings.IndexByte(s[i+1:], '`'); j > 0 && !strings.Contains(s[i+1:i+1+j], "\n") {
				emit(i)
				b.WriteString(`<code class="md-code">`)
				b.WriteString(esc(unescapeSlack(s[i+1 : i+1+j])))
				b.WriteString(`</code>`)
				i += j + 2
				plain = i
				continue
			}
		case c == '<':
			if j := strings.IndexByte(s[i+1:], '>'); j > 0 && !strings.ContainsAny(s[i+1:i+1+j], "\n<") {
				if h, ok := r.control(s[i+1 : i+1+j]); ok {
					emit(i)
					b.WriteString(h)
					i += j + 2
					plain = i
					continue
				}
			}
		case (c == '*' || c == '_' || c == '~') && depth < maxNesting:
			if j := closing(s, i); j > 0 {
				emit(i)
				tag := spanTag(c)
				b.WriteString("<" + tag + ">")
				r.inline(b, s[i+1:j], depth+1)
				b.WriteString("</" + tag + ">")
				i = j + 1
				plain = i
				continue
			}
		case c == ':':
			if name, n := shortcode(s[i:]); n > 0 {
				if e, ok := emoji[name]; ok {
					emit(i)
					b.WriteString(`<span class="emoji" title=":` + esc(name) + `:">` + e + `</span>`)
					i += n
					plain = i
					continue
				}
			}
		}
		i++
	}
	emit(len(s))
}

// closing finds the delimiter that closes the span opened at s[i], using
// Slack's rules: the opener follows a non-word character and precedes a
// non-space; the closer follows a non-space and precedes a non-word
// character; both are on one line. It returns -1 when there is none.
func closing(s string, i int) int {
	d := s[i]
	if i > 0 {
		if prev, _ := utf8.DecodeLastRuneInString(s[:i]); isWord(prev) {
			return -1
		}
	}
	if i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == '\n' || s[i+1] == d {
		return -1
	}
	for j := i + 2; j < len(s); j++ {
		switch s[j] {
		case '\n':
			return -1
		case d:
			if s[j-1] == ' ' {
				continue
			}
			if next, _ := utf8.DecodeRuneInString(s[j+1:]); j+1 < len(s) && isWord(next) {
				continue
			}
			return j
		}
	}
	return -1
}

// spanTag is the element for a *bold*, _italic_ or ~strike~ delimiter.
func spanTag(d byte) string {
	switch d {
	case '*':
		return "b"
	case '_':
		return "i"
	}
	return "s"
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// shortcode reads ":name:" at the start of s, returning the name and the
// length consumed including a trailing "::skin-tone-N", or 0 when s does not
// start with a shortcode.
func shortcode(s string) (string, int) {
	end := strings.IndexByte(s[1:], ':')
	if end <= 0 || end > 64 {
		return "", 0
	}
	name := s[1 : 1+end]
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '+' || c == '-') {
			return "", 0
		}
	}
	n := end + 2
	if rest := s[n:]; strings.HasPrefix(rest, ":skin-tone-") && len(rest) >= 13 && rest[12] == ':' {
		n += 13
	}
	return name, n
}

// control renders a <...> sequence: a user or channel mention, a special
// mention such as <!here>, or a link. Anything else is not a control
// sequence and is left to be shown as text.
func (r *refs) control(seq string) (string, bool) {
	target, label, _ := strings.Cut(seq, "|")
	label = unescapeSlack(label)
	switch {
	case strings.HasPrefix(target, "@"):
		id := target[1:]
		name := r.users[id]
		if name == "" {
			name = strings.TrimPrefix(label, "@")
		}
		if name == "" {
			name = id
		}
		return `<span class="mention">@` + esc(name) + `</span>`, true
	case strings.HasPrefix(target, "#"):
		id := target[1:]
		name := label
		if name == "" {
			name = r.channels[id]
		}
		if name == "" {
			name = id
		}
		return `<span class="mention">#` + esc(name) + `</span>`, true
	case strings.HasPrefix(target, "!"):
		return special(target[1:], label), true
	}
	u := unescapeSlack(target)
	if !safeURL(u) {
		return "", false
	}
	if label == "" {
		label = u
	}
	return `<a href="` + esc(u) + `" class="md-link">` + esc(label) + `</a>`, true
}

// special renders <!here>, <!channel>, <!everyone>, <!subteam^ID|@handle>
// and <!date^ts^format|fallback>; the date shows its fallback text, as Slack
// does wherever it cannot format.
func special(cmd, label string) string {
	name, _, _ := strings.Cut(cmd, "^")
	switch name {
	case "here", "channel", "everyone":
		return `<span class="mention broadcast">@` + esc(name) + `</span>`
	case "subteam":
		if label == "" {
			label = "@group"
		}
		return `<span class="mention">` + esc(label) + `</span>`
	case "date":
		return esc(label)
	}
	if label != "" {
		return esc(label)
	}
	return `<span class="mention">@` + esc(name) + `</span>`
}

// safeURL admits only schemes that cannot run code in the page.
func safeURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto", "tel":
		return true
	}
	return false
}

// plainText renders a plain_text object: escaped, with emoji shortcodes
// unless the object turns them off.
func plainText(s string, emojiOn bool) string {
	if !emojiOn {
		return esc(s)
	}
	var b strings.Builder
	plain := 0
	for i := 0; i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		if name, n := shortcode(s[i:]); n > 0 {
			if e, ok := emoji[name]; ok {
				b.WriteString(esc(s[plain:i]))
				b.WriteString(`<span class="emoji" title=":` + esc(name) + `:">` + e + `</span>`)
				i += n - 1
				plain = i + 1
			}
		}
	}
	b.WriteString(esc(s[plain:]))
	return strings.ReplaceAll(b.String(), "\n", "<br>")
}
