package page

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func renderBlocks(t *testing.T, blocks string) *node {
	t.Helper()
	if !json.Valid([]byte(blocks)) {
		t.Fatalf("test blocks are not JSON: %s", blocks)
	}
	h, err := testRefs().blocks(json.RawMessage(blocks))
	if err != nil {
		t.Fatalf("blocks: %v", err)
	}
	return fragment(t, h)
}

func TestHeaderBlock(t *testing.T) {
	root := renderBlocks(t, `[{"type":"header","text":{"type":"plain_text","text":":rotating_light: Дедлайн *завтра*"}}]`)
	h := root.one(t, "bk-header")
	if got, want := h.text(), "🚨 Дедлайн *завтра*"; got != want {
		t.Errorf("header text = %q, want %q", got, want)
	}
	if len(h.byTag("b")) != 0 {
		t.Error("plain_text header must not be formatted as mrkdwn")
	}
}

func TestSectionBlock(t *testing.T) {
	root := renderBlocks(t, `[{"type":"section",
		"text":{"type":"mrkdwn","text":"*ACME-12* is due <!date^1700000000^{date}|tomorrow>"},
		"fields":[{"type":"mrkdwn","text":"*Client*\nAcme"},{"type":"plain_text","text":"*Owner*"}],
		"accessory":{"type":"button","text":{"type":"plain_text","text":"Open"},"url":"https://jira.test/browse/ACME-12","action_id":"open"}}]`)
	sec := root.one(t, "bk-section")
	txt := sec.one(t, "bk-text")
	if b := txt.byTag("b"); len(b) != 1 || b[0].text() != "ACME-12" {
		t.Errorf("section text bold = %v, want ACME-12", b)
	}
	if got := txt.text(); got != "ACME-12 is due tomorrow" {
		t.Errorf("section text = %q", got)
	}
	fields := sec.byClass("bk-field")
	if len(fields) != 2 {
		t.Fatalf("fields = %d, want 2", len(fields))
	}
	if got := fields[0].text(); got != "Client\nAcme" {
		t.Errorf("mrkdwn field = %q", got)
	}
	if len(fields[1].byTag("b")) != 0 || fields[1].text() != "*Owner*" {
		t.Errorf("plain_text field rendered as mrkdwn: %q", fields[1].text())
	}
	btn := sec.one(t, "bk-accessory").one(t, "bk-btn")
	if btn.text() != "Open" || btn.Attr["title"] != "https://jira.test/browse/ACME-12" || btn.Attr["aria-disabled"] != "true" {
		t.Errorf("accessory button = %q %v", btn.text(), btn.Attr)
	}
}

func TestSectionImageAccessoryLoadsNothing(t *testing.T) {
	root := renderBlocks(t, `[{"type":"section","text":{"type":"plain_text","text":"Logo"},
		"accessory":{"type":"image","image_url":"https://cdn.test/logo.png","alt_text":"Acme logo"}}]`)
	img := root.one(t, "bk-acc-img")
	if !strings.Contains(img.text(), "Acme logo") {
		t.Errorf("accessory image shows %q, want its alt text", img.text())
	}
	for _, n := range root.all(func(*node) bool { return true }) {
		if n.Tag == "img" || n.Attr["src"] != "" || strings.Contains(n.Attr["style"], "url(") {
			t.Errorf("image accessory loads something: <%s %v>", n.Tag, n.Attr)
		}
	}
}

func TestDividerContextImageBlocks(t *testing.T) {
	root := renderBlocks(t, `[
		{"type":"divider"},
		{"type":"context","elements":[
			{"type":"image","image_url":"https://cdn.test/j.png","alt_text":"Jira"},
			{"type":"mrkdwn","text":"from *Jira* :calendar:"},
			{"type":"plain_text","text":"*plain*","emoji":false}]},
		{"type":"image","image_url":"https://cdn.test/chart.png","alt_text":"Clicks by day","title":{"type":"plain_text","text":"Clicks"}}]`)
	if hr := root.byTag("hr"); len(hr) != 1 || !hr[0].hasClass("bk-divider") {
		t.Errorf("divider = %v", hr)
	}
	ctx := root.one(t, "bk-context")
	if got := ctx.one(t, "bk-ctx-img").text(); got != "[Jira]" {
		t.Errorf("context image = %q, want [Jira]", got)
	}
	texts := ctx.byClass("bk-ctx-text")
	if len(texts) != 2 {
		t.Fatalf("context texts = %d", len(texts))
	}
	if texts[0].text() != "from Jira 📆" || len(texts[0].byTag("b")) != 1 {
		t.Errorf("context mrkdwn = %q", texts[0].text())
	}
	if texts[1].text() != "*plain*" {
		t.Errorf("context plain = %q", texts[1].text())
	}
	fig := root.one(t, "bk-image")
	if fig.one(t, "bk-image-title").text() != "Clicks" || !strings.Contains(fig.one(t, "bk-image-box").text(), "Clicks by day") {
		t.Errorf("image block = %q", fig.text())
	}
	if len(root.byTag("img")) != 0 {
		t.Error("image block must not load the image")
	}
}

func TestActionsBlock(t *testing.T) {
	root := renderBlocks(t, `[{"type":"actions","elements":[
		{"type":"button","text":{"type":"plain_text","text":":white_check_mark: Готово"},"style":"primary","action_id":"ack"},
		{"type":"button","text":{"type":"plain_text","text":"Snooze"},"action_id":"snooze"},
		{"type":"button","text":{"type":"plain_text","text":"Escalate"},"style":"danger","action_id":"esc"},
		{"type":"static_select","placeholder":{"type":"plain_text","text":"Reassign"},"options":[{"text":{"type":"plain_text","text":"Olena"},"value":"o"}]},
		{"type":"static_select","initial_option":{"text":{"type":"plain_text","text":"Dmytro"},"value":"d"},"options":[]},
		{"type":"overflow","options":[]},
		{"type":"datepicker","initial_date":"2025-03-17"},
		{"type":"workflow_button","text":{"type":"plain_text","text":"Run"}}]}]`)
	acts := root.one(t, "bk-actions")
	btns := acts.byClass("bk-btn")
	want := []struct{ text, class string }{
		{"✅ Готово", "bk-btn-primary"},
		{"Snooze", ""},
		{"Escalate", "bk-btn-danger"},
		{"⋯", "bk-overflow"},
	}
	if len(btns) != len(want) {
		t.Fatalf("buttons = %d, want %d", len(btns), len(want))
	}
	for i, w := range want {
		if btns[i].text() != w.text {
			t.Errorf("button %d text = %q, want %q", i, btns[i].text(), w.text)
		}
		if w.class != "" && !btns[i].hasClass(w.class) {
			t.Errorf("button %d class = %q, want %s", i, btns[i].Attr["class"], w.class)
		}
		if w.class == "" && (btns[i].hasClass("bk-btn-primary") || btns[i].hasClass("bk-btn-danger")) {
			t.Errorf("default button %d styled %q", i, btns[i].Attr["class"])
		}
	}
	selects := acts.byClass("bk-select")
	if len(selects) != 3 {
		t.Fatalf("selects = %d, want 3", len(selects))
	}
	for i, w := range []string{"Reassign▾", "Dmytro▾", "📅 2025-03-17"} {
		if got := strings.ReplaceAll(selects[i].text(), " ▾", "▾"); got != w {
			t.Errorf("select %d = %q, want %q", i, got, w)
		}
	}
	if got := acts.one(t, "bk-unsupported").text(); got != "[unsupported element: workflow_button]" {
		t.Errorf("unknown element = %q", got)
	}
}

func TestRichTextBlock(t *testing.T) {
	root := renderBlocks(t, `[{"type":"rich_text","elements":[
		{"type":"rich_text_section","elements":[
			{"type":"text","text":"Привіт "},
			{"type":"user","user_id":"U1"},
			{"type":"text","text":", see ","style":{"italic":true}},
			{"type":"link","url":"https://jira.test/browse/ACME-1","text":"ACME-1","style":{"bold":true}},
			{"type":"text","text":" "},
			{"type":"emoji","name":"fire","unicode":"1f525"},
			{"type":"emoji","name":"custom_thing","unicode":"26a0-fe0f"},
			{"type":"emoji","name":"party_parrot"},
			{"type":"broadcast","range":"here"},
			{"type":"channel","channel_id":"C2"},
			{"type":"text","text":"x := 1","style":{"code":true}},
			{"type":"link","url":"javascript:alert(1)","text":"bad"}]},
		{"type":"rich_text_list","style":"bullet","elements":[
			{"type":"rich_text_section","elements":[{"type":"text","text":"one"}]},
			{"type":"rich_text_section","elements":[{"type":"text","text":"two"}]}]},
		{"type":"rich_text_list","style":"ordered","indent":1,"offset":2,"elements":[
			{"type":"rich_text_section","elements":[{"type":"text","text":"three"}]}]},
		{"type":"rich_text_quote","elements":[{"type":"text","text":"цитата"}]},
		{"type":"rich_text_preformatted","elements":[{"type":"text","text":"a <b>\n  c","style":{"bold":true}}]},
		{"type":"rich_text_table","elements":[]}]}]`)
	sec := root.one(t, "rt-section")
	if got, want := sec.text(), "Привіт @Олена Коваль, see ACME-1 🔥⚠️:party_parrot:@here#acme-generalx := 1bad"; got != want {
		t.Errorf("section text\n got %q\nwant %q", got, want)
	}
	links := sec.byTag("a")
	if len(links) != 1 || links[0].Attr["href"] != "https://jira.test/browse/ACME-1" || links[0].Parent.Tag != "b" {
		t.Errorf("links = %d, want one bold https link", len(links))
	}
	if it := sec.byTag("i"); len(it) != 1 || it[0].text() != ", see" {
		t.Errorf("italic = %v", it)
	}
	if c := sec.byClass("md-code"); len(c) != 1 || c[0].text() != "x := 1" {
		t.Errorf("code = %v", c)
	}
	ul, ol := root.byTag("ul"), root.byTag("ol")
	if len(ul) != 1 || len(ul[0].byTag("li")) != 2 {
		t.Errorf("bullet list = %v", ul)
	}
	if len(ol) != 1 || ol[0].Attr["start"] != "3" || !strings.Contains(ol[0].Attr["style"], "24px") {
		t.Errorf("ordered list attrs = %v", ol)
	}
	if q := root.byTag("blockquote"); len(q) != 1 || q[0].text() != "цитата" {
		t.Errorf("quote = %v", q)
	}
	pre := root.byTag("pre")
	if len(pre) != 1 || pre[0].text() != "a <b>\n c" || len(pre[0].byTag("b")) != 0 {
		t.Errorf("preformatted = %q", pre[0].text())
	}
	if got := root.one(t, "bk-unsupported").text(); got != "[unsupported rich text: rich_text_table]" {
		t.Errorf("unknown rich text = %q", got)
	}
}

func TestUnknownAndBrokenBlocks(t *testing.T) {
	root := renderBlocks(t, `[
		{"type":"video","title":{"type":"plain_text","text":"x"}},
		{"type":"section","text":"a string where an object belongs"},
		42,
		{"type":"<script>"},
		{"type":"section","text":{"type":"mrkdwn","text":"still *here*"}}]`)
	var notes []string
	for _, n := range root.byClass("bk-unsupported") {
		notes = append(notes, n.text())
	}
	want := []string{
		"[unsupported block: video]",
		"[unreadable block: section]",
		"[unreadable block: unreadable]",
		"[unsupported block: <script>]",
	}
	if strings.Join(notes, "|") != strings.Join(want, "|") {
		t.Errorf("notes = %q, want %q", notes, want)
	}
	if got := root.one(t, "bk-text").text(); got != "still here" {
		t.Errorf("block after broken ones = %q", got)
	}
}

func TestBlocksNotAnArray(t *testing.T) {
	for _, raw := range []string{`"text"`, `{"type":"section"}`, `not json`, `{"blocks":"x"}`} {
		if _, err := testRefs().blocks(json.RawMessage(raw)); !errors.Is(err, errNotBlocks) {
			t.Errorf("blocks(%s) error = %v, want errNotBlocks", raw, err)
		}
	}
	root := renderBlocks(t, `{"blocks":[{"type":"divider"}]}`)
	if len(root.byTag("hr")) != 1 {
		t.Error("a whole message payload should render its blocks")
	}
}

func TestBlocksEscape(t *testing.T) {
	h, err := testRefs().blocks(json.RawMessage(`[
		{"type":"header","text":{"type":"plain_text","text":"<script>alert(1)</script>"}},
		{"type":"section","text":{"type":"mrkdwn","text":"<script>alert(2)</script>"},
		 "fields":[{"type":"plain_text","text":"<img src=x onerror=alert(3)>"}],
		 "accessory":{"type":"button","text":{"type":"plain_text","text":"<b>x</b>"},"url":"javascript:alert(4)\"onclick=\"alert(5)"}},
		{"type":"image","alt_text":"\"><script>alert(6)</script>","image_url":"x"},
		{"type":"context","elements":[{"type":"image","alt_text":"<script>","image_url":"x"}]},
		{"type":"rich_text","elements":[{"type":"rich_text_section","elements":[
			{"type":"link","url":"javascript:alert(7)","text":"<script>"},
			{"type":"text","text":"<script>"},
			{"type":"emoji","name":"x\"><script>","unicode":"3c"}]}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	root := fragment(t, h)
	for _, n := range root.all(func(*node) bool { return true }) {
		switch n.Tag {
		case "script", "img", "iframe", "object":
			t.Errorf("blocks produced <%s>", n.Tag)
		}
		for k, v := range n.Attr {
			if strings.HasPrefix(k, "on") {
				t.Errorf("blocks produced handler %s=%q", k, v)
			}
			if k == "href" {
				t.Errorf("javascript link kept as href %q", v)
			}
		}
	}
	if c := strings.Count(root.text(), "<script>"); c < 5 {
		t.Errorf("hostile text should be shown as text, found %d times in %q", c, root.text())
	}
}
