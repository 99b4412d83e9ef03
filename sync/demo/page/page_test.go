package page

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/sample.html")

func render(t *testing.T, p Page) (string, *node) {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, p); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.String(), parseHTML(t, buf.String())
}

// TestSampleGolden keeps testdata/sample.html, the page the screenshot is
// taken from, in step with the renderer.
func TestSampleGolden(t *testing.T) {
	got, _ := render(t, samplePage(t))
	path := filepath.Join("testdata", "sample.html")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden (run with -update to create): %v", err)
	}
	if got != string(want) {
		t.Errorf("rendered sample differs from %s; run go test -update and look at the page", path)
	}
}

func TestSampleLayout(t *testing.T) {
	_, doc := render(t, samplePage(t))

	if got := doc.byTag("title")[0].text(); got != "Liaison demo — a working day at Kvitka Digital" {
		t.Errorf("title = %q", got)
	}
	if got := doc.one(t, "top-period").text(); got != "Fri 14 Mar 2025, 08:00 EET → Mon 17 Mar 2025, 10:00 EET" {
		t.Errorf("period = %q", got)
	}
	stats := doc.byClass("stat")
	if len(stats) != 6 || stats[1].text() != "4Alerts sent" {
		t.Errorf("stats = %d, second %q", len(stats), stats[1].text())
	}

	// Sidebar: one entry per conversation with its kind's icon, then the transcript.
	var nav []string
	for _, a := range doc.one(t, "sidebar").byClass("nav-item") {
		nav = append(nav, a.Attr["href"]+" "+a.text())
	}
	wantNav := []string{"#summary ≡Summary", "#conv-1 ●Liaison4", "#conv-2 #acme-kvitka⇄2", "#conv-3 #northwind-kvitka⇄2", "#conv-4 #account-team2", "#transcript ☰Transcript14"}
	if strings.Join(nav, "|") != strings.Join(wantNav, "|") {
		t.Errorf("sidebar\n got %q\nwant %q", nav, wantNav)
	}
	if len(doc.byClass("reports")) != 0 || strings.Contains(doc.text(), "Reports") {
		t.Error("a page without sections must have no reports area")
	}

	convs := doc.byClass("conv")
	if len(convs) != 4 {
		t.Fatalf("conversations = %d", len(convs))
	}
	dm, acme, nw, team := convs[0], convs[1], convs[2], convs[3]

	if acme.Attr["data-channel"] != "C01ACME" {
		t.Errorf("conversation data-channel = %q", acme.Attr["data-channel"])
	}
	if ts := topMessages(acme)[0].Attr["data-ts"]; ts != slackTS(time.Date(2025, 3, 14, 7, 2, 0, 0, time.UTC)) {
		t.Errorf("message data-ts = %q", ts)
	}

	// Deadline alert: blocks, three styled buttons, APP badge, time in the reader's zone.
	alert := topMessages(dm)[0]
	if got := alert.one(t, "msg-head").text(); got != "LiaisonAPP09:00 EET" {
		t.Errorf("alert head = %q", got)
	}
	if got := alert.one(t, "bk-header").text(); got != "⏳ Дедлайн завтра" {
		t.Errorf("alert header = %q", got)
	}
	btns := alert.one(t, "bk-actions").byClass("bk-btn")
	if len(btns) != 3 || !btns[0].hasClass("bk-btn-primary") || !btns[2].hasClass("bk-btn-danger") {
		t.Errorf("alert buttons = %d", len(btns))
	}
	if got := alert.one(t, "metadata").text(); !strings.HasPrefix(got, "metadata: liaison_delivery · post/U01OLENA/alert/") {
		t.Errorf("metadata = %q", got)
	}
	if f := alert.byClass("bk-field"); len(f) != 4 || f[1].text() != "Виконавець\n@Дмитро Шевчук" {
		t.Errorf("fields = %d", len(f))
	}

	// Resolved alert: marked, edited, with its thread note.
	resolved := topMessages(dm)[2]
	if !resolved.hasClass("msg-resolved") || resolved.one(t, "resolved-tag").text() != "✓ Resolved" {
		t.Errorf("resolved alert not marked: class %q", resolved.Attr["class"])
	}
	if resolved.one(t, "edited").text() != "(edited)" {
		t.Error("resolved alert should show (edited)")
	}
	if len(resolved.byTag("s")) != 1 {
		t.Error("resolved alert's struck-through text lost")
	}

	// Deferred alert: the badge, coloured as deferred, on Monday's divider.
	deferred := topMessages(dm)[3]
	tags := deferred.one(t, "badges").byClass("tag")
	if len(tags) != 2 || tags[0].text() != "deferred: Fri 20:00 → Mon 09:00" || !tags[0].hasClass("tag-amber") || !tags[1].hasClass("tag-red") {
		t.Errorf("deferred badges = %v", tags)
	}
	var days []string
	for _, d := range dm.byClass("day") {
		days = append(days, d.text())
	}
	if strings.Join(days, "|") != "Friday, 14 March|Monday, 17 March" {
		t.Errorf("day dividers = %q", days)
	}

	// Shared channel: external user's org badge, redirect reply in the thread.
	budget := topMessages(acme)[0]
	if got := budget.one(t, "org-badge").text(); got != "⇄ Acme Polska" {
		t.Errorf("org badge = %q", got)
	}
	if acme.one(t, "conv-shared") == nil {
		t.Error("shared channel not marked")
	}
	if got := budget.byClass("thread-link")[0].text(); got != "2 replies" {
		t.Errorf("thread link = %q", got)
	}
	replies := topMessages(budget.byClass("thread")[0])
	if len(replies) != 2 {
		t.Fatalf("replies = %d", len(replies))
	}
	if !strings.Contains(replies[0].one(t, "msg-body").text(), "ваш аккаунт-менеджер @Олена Коваль") {
		t.Errorf("redirect reply = %q", replies[0].one(t, "msg-body").text())
	}
	if tag := replies[0].one(t, "tag"); !tag.hasClass("tag-blue") || tag.text() != "redirect: template ru" {
		t.Errorf("redirect badge = %q %q", tag.text(), tag.Attr["class"])
	}
	if got := replies[1].one(t, "msg-head").text(); got != "Олена Коваль09:41 EET" {
		t.Errorf("AM reply head = %q", got)
	}

	// FAQ suggestion: ephemeral.
	faq := topMessages(nw)[1]
	if !faq.hasClass("msg-ephemeral") || faq.one(t, "eph-note").text() != "👁 Only visible to you" {
		t.Errorf("faq suggestion not ephemeral: %q", faq.Attr["class"])
	}
	if len(topMessages(nw)[0].byClass("eph-note")) != 0 {
		t.Error("client message marked ephemeral")
	}

	// Rich text digest and an edited human message.
	if li := team.byTag("li"); len(li) != 2 || li[0].text() != "ACME-151 Аудит пошукових запитів — @Дмитро Шевчук" {
		t.Errorf("digest list = %v", li)
	}
	if topMessages(team)[1].one(t, "edited") == nil {
		t.Error("edited marker missing")
	}

	// Transcript: times in each actor's zone, kinds as coloured tags.
	rows := doc.one(t, "log").byTag("tr")[1:]
	if len(rows) != 14 {
		t.Fatalf("transcript rows = %d", len(rows))
	}
	wantRows := map[int][2]string{
		0:  {"Fri 14 Mar 09:00 EET", "tag-red"},
		1:  {"Fri 14 Mar 08:02 CET", "tag-gray"},
		2:  {"Fri 14 Mar 09:03 EET", "tag-blue"},
		8:  {"Fri 14 Mar 11:10 GMT", "tag-gray"},
		9:  {"Fri 14 Mar 13:10 EET", "tag-green"},
		10: {"Fri 14 Mar 19:14 CET", "tag-jira"},
		11: {"Fri 14 Mar 20:15 EET", "tag-amber"},
	}
	for i, w := range wantRows {
		cells := rows[i].byTag("td")
		if cells[0].text() != w[0] || !cells[2].byClass("tag")[0].hasClass(w[1]) {
			t.Errorf("row %d = %q %q, want %q %s", i, cells[0].text(), cells[2].byClass("tag")[0].Attr["class"], w[0], w[1])
		}
	}
}

// topMessages returns the messages directly inside n, not their replies.
func topMessages(n *node) []*node {
	return n.all(func(m *node) bool {
		if !m.hasClass("msg") || m == n {
			return false
		}
		for p := m.Parent; p != nil && p != n; p = p.Parent {
			if p.hasClass("msg") {
				return false
			}
		}
		return true
	})
}

// TestSelfContained checks that the page loads nothing: no scripts,
// stylesheets, images, fonts or frames, and no url() in the CSS.
func TestSelfContained(t *testing.T) {
	out, doc := render(t, samplePage(t))
	for _, n := range doc.all(func(*node) bool { return true }) {
		switch n.Tag {
		case "script", "link", "img", "iframe", "object", "embed", "video", "audio", "source":
			t.Errorf("page has <%s>", n.Tag)
		}
		if n.Attr["src"] != "" || n.Attr["srcset"] != "" {
			t.Errorf("<%s> loads %q", n.Tag, n.Attr["src"]+n.Attr["srcset"])
		}
	}
	for _, bad := range []string{"url(", "@import", "@font-face", "<script"} {
		if strings.Contains(out, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, `<meta charset="utf-8">`) {
		t.Error("page must declare HTML5 and UTF-8 so Cyrillic renders")
	}
}

func TestRenderEscapesEverything(t *testing.T) {
	x := `<script>alert(1)</script>`
	p := Page{
		Title: x, Agency: x,
		Summary:  []Stat{{x, x}},
		Users:    map[string]string{"U1": x},
		Sections: nil,
		Conversations: []Conversation{{ID: "C1", Name: x, Kind: x, Members: []string{x},
			Messages: []Message{{
				Time: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), UserID: "U1", Text: x + " <@U1>",
				External: true, Org: x, Badges: []string{x}, Metadata: x,
				Thread: []Message{{UserName: x, Blocks: json.RawMessage(`[{"type":"section","text":{"type":"plain_text","text":"` + strings.ReplaceAll(x, "/", `\/`) + `"}}]`)}},
			}},
		}},
		Transcript: []Entry{{Time: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), Actor: x, Kind: x, Text: x}},
	}
	out, doc := render(t, p)
	if strings.Contains(out, "<script") {
		t.Error("page contains a script element")
	}
	if len(doc.byTag("script")) != 0 {
		t.Error("parsed page has a script element")
	}
	if n := strings.Count(doc.text(), x); n < 10 {
		t.Errorf("hostile text should appear as text; found %d times", n)
	}
}

func TestSections(t *testing.T) {
	p := samplePage(t)
	p.Sections = []Section{{Title: "Acme Polska — February", HTML: template.HTML(`<table><tr><th>Clicks</th></tr><tr><td>1 204</td></tr></table>`)}}
	_, doc := render(t, p)
	rep := doc.one(t, "report")
	if rep.Attr["id"] != "report-1" || rep.byTag("h2")[0].text() != "Acme Polska — February" || len(rep.byTag("table")) != 1 {
		t.Errorf("report section = %q", rep.text())
	}
	found := false
	for _, a := range doc.one(t, "sidebar").byTag("a") {
		if a.Attr["href"] == "#report-1" {
			found = true
		}
	}
	if !found {
		t.Error("sidebar lacks the report link")
	}
}

func TestMessageFallbacks(t *testing.T) {
	now := time.Date(2025, 3, 14, 22, 30, 0, 0, time.UTC)
	kyiv := mustZone(t, "Europe/Kyiv")
	p := Page{Conversations: []Conversation{{Name: "x", Messages: []Message{
		{Time: now, Location: kyiv, UserID: "U7", Text: "fallback *text*", Blocks: json.RawMessage(`{"type":"section"}`)},
		{Time: now.Add(time.Hour), Location: time.UTC, UserName: "Bot", Text: "no blocks _here_", Blocks: json.RawMessage(`null`)},
	}}}}
	_, doc := render(t, p)
	msgs := topMessages(doc)
	if len(msgs) != 2 {
		t.Fatalf("messages = %d", len(msgs))
	}
	if got := msgs[0].one(t, "msg-body").text(); got != "fallback text[unreadable blocks: not a Block Kit array]" {
		t.Errorf("unreadable blocks body = %q", got)
	}
	if got := msgs[0].one(t, "msg-name").text(); got != "U7" {
		t.Errorf("unknown user name = %q", got)
	}
	if got := msgs[0].one(t, "msg-time").text(); got != "00:30 EET" {
		t.Errorf("time in reader zone = %q", got)
	}
	if len(msgs[1].byTag("i")) != 1 {
		t.Error("null blocks should fall back to mrkdwn text")
	}
	var days []string
	for _, d := range doc.byClass("day") {
		days = append(days, d.text())
	}
	// 22:30 UTC Friday is already Saturday in Kyiv; 23:30 UTC is still Friday in UTC.
	if strings.Join(days, "|") != "Saturday, 15 March|Friday, 14 March" {
		t.Errorf("days = %q", days)
	}
}

func TestEmptyPage(t *testing.T) {
	out, doc := render(t, Page{})
	if doc.byTag("h1")[0].text() != "Liaison demo" {
		t.Error("empty page needs a title")
	}
	if strings.Contains(out, "→") || len(doc.byClass("stats")) != 0 || len(doc.byClass("conv")) != 0 {
		t.Error("empty page shows placeholders")
	}
	if doc.one(t, "transcript").one(t, "empty").text() != "Nothing happened." {
		t.Error("empty transcript should say so")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderWriteError(t *testing.T) {
	err := Render(failingWriter{}, samplePage(t))
	if err == nil || !strings.Contains(err.Error(), "rendering demo page") || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Render error = %v", err)
	}
}

func TestTranscriptSortedByTime(t *testing.T) {
	base := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	p := Page{Transcript: []Entry{
		{Time: base.Add(2 * time.Minute), Actor: "c", Kind: "alert"},
		{Time: base, Actor: "a", Kind: "seen"},
		{Time: base.Add(2 * time.Minute), Actor: "d", Kind: "mystery"},
		{Time: base.Add(time.Minute), Actor: "b", Kind: "jira"},
	}}
	_, doc := render(t, p)
	var got []string
	for _, a := range doc.byClass("log-actor") {
		got = append(got, a.text())
	}
	if strings.Join(got, "") != "abcd" {
		t.Errorf("transcript order = %q, want a b c d (stable for equal times)", got)
	}
	if tag := doc.byClass("tag")[3]; !tag.hasClass("tag-gray") || tag.text() != "mystery" {
		t.Errorf("unknown kind tag = %q %q", tag.text(), tag.Attr["class"])
	}
	if p.Transcript[0].Actor != "c" {
		t.Error("Render must not reorder the caller's slice")
	}
}
