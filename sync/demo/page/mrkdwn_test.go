package page

import (
	"strings"
	"testing"
)

func testRefs() *refs {
	return &refs{
		users:    map[string]string{"U1": "Олена Коваль", "U2": "Dmytro"},
		channels: map[string]string{"C2": "acme-general"},
	}
}

func TestMrkdwn(t *testing.T) {
	warning := `<span class="emoji" title=":warning:">⚠️</span>`
	tests := []struct {
		name, in, want string
	}{
		{"bold", "*bold*", "<b>bold</b>"},
		{"italic", "_italic_", "<i>italic</i>"},
		{"strike", "~gone~", "<s>gone</s>"},
		{"code", "`x := 1`", `<code class="md-code">x := 1</code>`},
		{"code keeps markup literal", "`*not bold* <@U1>`", `<code class="md-code">*not bold* &lt;@U1&gt;</code>`},
		{"nested", "*bold _and italic_*", "<b>bold <i>and italic</i></b>"},
		{"intraword star is text", "a*b*c", "a*b*c"},
		{"opener before space is text", "* not bold*", "* not bold*"},
		{"closer after space is text", "*not bold *", "*not bold *"},
		{"snake case is text", "snake_case_name", "snake_case_name"},
		{"span does not cross lines", "*a\nb*", "*a<br>b*"},
		{"punctuation around", "(*bold*).", "(<b>bold</b>)."},
		{"cyrillic", "*Дедлайн* завтра _о 10:00_", "<b>Дедлайн</b> завтра <i>о 10:00</i>"},
		{"cyrillic intraword", "при*вет*", "при*вет*"},
		{"line breaks", "one\ntwo", "one<br>two"},
		{"pre", "before\n```\nline *1*\n  <x>\n```\nafter", `before<pre class="md-pre">line *1*
  &lt;x&gt;</pre>after`},
		{"unclosed fence is text", "```open", "```open"},
		{"quote", "> quoted\n> more\nafter", `<blockquote class="md-quote">quoted<br>more</blockquote>after`},
		{"escaped quote", "&gt; quoted", `<blockquote class="md-quote">quoted</blockquote>`},
		{"triple quote", "intro\n>>> all\nof *this*", `intro<blockquote class="md-quote">all<br>of <b>this</b></blockquote>`},
		{"link with label", "<https://example.com/a?b=1&amp;c=2|the label>", `<a href="https://example.com/a?b=1&amp;c=2" class="md-link">the label</a>`},
		{"bare link", "<https://example.com>", `<a href="https://example.com" class="md-link">https://example.com</a>`},
		{"mailto", "<mailto:am@agency.test|mail>", `<a href="mailto:am@agency.test" class="md-link">mail</a>`},
		{"javascript link is text", "<javascript:alert(1)|click>", "&lt;javascript:alert(1)|click&gt;"},
		{"user mention", "hi <@U1>", `hi <span class="mention">@Олена Коваль</span>`},
		{"unknown user keeps id", "<@U9>", `<span class="mention">@U9</span>`},
		{"channel with name", "<#C1|acme>", `<span class="mention">#acme</span>`},
		{"channel by id", "<#C2>", `<span class="mention">#acme-general</span>`},
		{"here", "<!here> look", `<span class="mention broadcast">@here</span> look`},
		{"subteam", "<!subteam^S1|@ams>", `<span class="mention">@ams</span>`},
		{"date fallback", "<!date^1700000000^{date}|14 Nov 2023>", "14 Nov 2023"},
		{"emoji", ":warning: late", warning + " late"},
		{"unknown emoji is text", ":party_parrot:", ":party_parrot:"},
		{"time is not emoji", "10:30 :clock9:", `10:30 <span class="emoji" title=":clock9:">🕘</span>`},
		{"skin tone", ":+1::skin-tone-2:", `<span class="emoji" title=":+1:">👍</span>`},
		{"entities", "a &amp; b &lt;c&gt;", "a &amp; b &lt;c&gt;"},
		{"double escaped entity", "&amp;lt;", "&amp;lt;"},
		{"emoji in bold", "*:fire: hot*", `<b><span class="emoji" title=":fire:">🔥</span> hot</b>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := testRefs().mrkdwn(tt.in)
			if got != tt.want {
				t.Errorf("mrkdwn(%q)\n got: %s\nwant: %s", tt.in, got, tt.want)
			}
			fragment(t, got) // well-formed
		})
	}
}

// TestMrkdwnEscapes feeds hostile text and checks that no element or
// attribute the text tried to create reaches the page.
func TestMrkdwnEscapes(t *testing.T) {
	inputs := []string{
		"<script>alert(1)</script>",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		`"><img src=x onerror=alert(1)>`,
		"<https://example.com/\"onmouseover=\"alert(1)|x>",
		"<https://example.com|<b>label</b>>",
		"*<script>*",
		"```<script>alert(1)</script>```",
		"`<script>`",
		"<@U1|<script>>",
		"<@U404|<img src=x>>",
		"<!subteam^S1|<script>>",
		"<data:text/html,<script>alert(1)</script>|x>",
		"<vbscript:msgbox|x>",
	}
	for _, in := range inputs {
		got := testRefs().mrkdwn(in)
		root := fragment(t, got)
		for _, n := range root.all(func(*node) bool { return true }) {
			switch n.Tag {
			case "div", "b", "i", "s", "code", "pre", "blockquote", "br", "span", "a":
			default:
				t.Errorf("mrkdwn(%q) produced <%s>: %s", in, n.Tag, got)
			}
			for k, v := range n.Attr {
				if k != "class" && k != "href" && k != "title" {
					t.Errorf("mrkdwn(%q) produced attribute %s=%q: %s", in, k, v, got)
				}
				if k == "href" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "mailto:") {
					t.Errorf("mrkdwn(%q) produced href %q", in, v)
				}
			}
		}
		if strings.Contains(got, "<script") || strings.Contains(got, "<img") {
			t.Errorf("mrkdwn(%q) leaked markup: %s", in, got)
		}
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		in    string
		emoji bool
		want  string
	}{
		{"*not bold* <b>", true, "*not bold* &lt;b&gt;"},
		{":bell: Дедлайн", true, `<span class="emoji" title=":bell:">🔔</span> Дедлайн`},
		{":bell: off", false, ":bell: off"},
		{"a\nb", true, "a<br>b"},
		{"10:00 :nope:", true, "10:00 :nope:"},
	}
	for _, tt := range tests {
		if got := plainText(tt.in, tt.emoji); got != tt.want {
			t.Errorf("plainText(%q, %v) = %s, want %s", tt.in, tt.emoji, got, tt.want)
		}
	}
}

func TestInitials(t *testing.T) {
	tests := map[string]string{
		"Олена Коваль":     "ОК",
		"dmytro":           "D",
		"Liaison":          "L",
		"anna-maria lee":   "AM",
		"":                 "?",
		"  ":               "?",
		"Jan van der Berg": "JV",
	}
	for in, want := range tests {
		if got := initials(in); got != want {
			t.Errorf("initials(%q) = %q, want %q", in, got, want)
		}
	}
}
