package page

import (
	"hash/fnv"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// view is the page prepared for the template: every string is display text
// (the template escapes it) and every template.HTML was built here from
// escaped parts.
type view struct {
	Title, Agency, Period string
	CSS                   template.CSS
	Summary               []Stat
	Convs                 []convView
	Sections              []sectionView
	Transcript            []entryView
}

type convView struct {
	ID                            string
	Anchor, Name, Icon, KindLabel string
	Shared                        bool
	Members                       string
	MemberCount                   int
	MessageCount                  int
	Items                         []itemView
}

// itemView is a day divider (Day set) or a message.
type itemView struct {
	Day string
	Msg *msgView
}

type msgView struct {
	TS                          string
	Initials, AvatarClass, Name string
	Bot, External               bool
	Org                         string
	Time, TimeTitle             string
	Body                        template.HTML
	Edited, Resolved, Ephemeral bool
	// EditedInHead puts "(edited)" beside the time when the body is blocks,
	// which end in a block of their own and leave no line to follow.
	EditedInHead bool
	Badges       []badgeView
	Metadata     string
	Replies      []msgView
	ReplyLabel   string
}

type badgeView struct{ Class, Text string }

type sectionView struct {
	Anchor, Title string
	HTML          template.HTML
}

type entryView struct {
	Time, TimeTitle, Actor, Kind, KindClass, Text string
}

// Time layouts. Messages carry the day in dividers, so their own stamp is
// short; transcript lines stand alone and carry the day.
const (
	layoutMsg      = "15:04 MST"
	layoutFull     = "Monday, 2 January 2006 15:04:05 MST"
	layoutDay      = "Monday, 2 January"
	layoutEntry    = "Mon 2 Jan 15:04 MST"
	layoutPeriod   = "Mon 2 Jan 2006, 15:04 MST"
	avatarPalettes = 8
)

func buildView(p Page) view {
	r := &refs{users: p.Users, channels: map[string]string{}}
	for _, c := range p.Conversations {
		if c.ID != "" {
			r.channels[c.ID] = c.Name
		}
	}
	v := view{
		Title:   p.Title,
		Agency:  p.Agency,
		Period:  period(p.Start, p.End),
		CSS:     template.CSS(css),
		Summary: p.Summary,
	}
	if v.Title == "" {
		v.Title = "Liaison demo"
	}
	for i, c := range p.Conversations {
		v.Convs = append(v.Convs, r.conversation(i, c))
	}
	for i, s := range p.Sections {
		v.Sections = append(v.Sections, sectionView{Anchor: "report-" + strconv.Itoa(i+1), Title: s.Title, HTML: s.HTML})
	}
	// The log is meant to come time-ordered; sorting again is cheap and keeps
	// a caller's merge of several sources from showing out of order.
	entries := slices.Clone(p.Transcript)
	slices.SortStableFunc(entries, func(a, b Entry) int { return a.Time.Compare(b.Time) })
	for _, e := range entries {
		t := inZone(e.Time, e.Location)
		v.Transcript = append(v.Transcript, entryView{
			Time:      t.Format(layoutEntry),
			TimeTitle: t.Format(layoutFull),
			Actor:     e.Actor,
			Kind:      e.Kind,
			KindClass: kindClass(e.Kind),
			Text:      e.Text,
		})
	}
	return v
}

func period(start, end time.Time) string {
	switch {
	case start.IsZero() && end.IsZero():
		return ""
	case end.IsZero():
		return "from " + start.Format(layoutPeriod)
	case start.IsZero():
		return "until " + end.Format(layoutPeriod)
	}
	return start.Format(layoutPeriod) + " → " + end.Format(layoutPeriod)
}

func inZone(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t
	}
	return t.In(loc)
}

func (r *refs) conversation(i int, c Conversation) convView {
	cv := convView{
		ID:          c.ID,
		Anchor:      "conv-" + strconv.Itoa(i+1),
		Name:        c.Name,
		MemberCount: len(c.Members),
		Members:     strings.Join(c.Members, ", "),
	}
	switch c.Kind {
	case KindDM:
		cv.Icon, cv.KindLabel = "●", "Direct message"
	case KindShared:
		cv.Icon, cv.KindLabel, cv.Shared = "#", "Slack Connect", true
	default:
		cv.Icon, cv.KindLabel = "#", "Channel"
	}
	if cv.Name == "" {
		cv.Name = c.ID
	}
	lastDay := ""
	for _, m := range c.Messages {
		t := inZone(m.Time, m.Location)
		if day := t.Format(layoutDay); !m.Time.IsZero() && day != lastDay {
			cv.Items = append(cv.Items, itemView{Day: day})
			lastDay = day
		}
		mv := r.message(m)
		cv.Items = append(cv.Items, itemView{Msg: &mv})
		cv.MessageCount++
	}
	return cv
}

func (r *refs) message(m Message) msgView {
	name := m.UserName
	if name == "" {
		name = r.users[m.UserID]
	}
	if name == "" {
		name = m.UserID
	}
	if name == "" {
		name = "unknown"
	}
	seed := m.UserID
	if seed == "" {
		seed = name
	}
	mv := msgView{
		TS:           m.TS,
		Initials:     initials(name),
		AvatarClass:  "av" + strconv.Itoa(int(hash(seed)%avatarPalettes)),
		Name:         name,
		Bot:          m.Bot,
		External:     m.External,
		Org:          m.Org,
		Body:         template.HTML(r.body(m)),
		Edited:       m.Edited,
		EditedInHead: m.Edited && hasBlocks(m),
		Resolved:     m.Resolved,
		Ephemeral:    m.Ephemeral,
		Metadata:     m.Metadata,
	}
	if m.External && mv.Org == "" {
		mv.Org = "external"
	}
	if !m.Time.IsZero() {
		t := inZone(m.Time, m.Location)
		mv.Time, mv.TimeTitle = t.Format(layoutMsg), t.Format(layoutFull)
	}
	for _, b := range m.Badges {
		mv.Badges = append(mv.Badges, badgeView{Class: badgeClass(b), Text: b})
	}
	for _, reply := range m.Thread {
		mv.Replies = append(mv.Replies, r.message(reply))
	}
	switch n := len(m.Thread); n {
	case 0:
	case 1:
		mv.ReplyLabel = "1 reply"
	default:
		mv.ReplyLabel = strconv.Itoa(n) + " replies"
	}
	return mv
}

// body renders the blocks when there are any, as Slack does, and the text
// as mrkdwn otherwise. Unreadable blocks fall back to the text, which Slack
// requires as the notification fallback anyway.
func (r *refs) body(m Message) string {
	if hasBlocks(m) {
		h, err := r.blocks(m.Blocks)
		if err == nil {
			return h
		}
		return r.mrkdwn(m.Text) + unsupported("unreadable blocks", "not a Block Kit array")
	}
	return r.mrkdwn(m.Text)
}

func hasBlocks(m Message) bool {
	b := strings.TrimSpace(string(m.Blocks))
	return b != "" && b != "null"
}

func hash(s string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	return h.Sum32()
}

// initials takes the first letter of the first two words, as Slack's
// default avatars do.
func initials(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var out []rune
	for _, w := range words {
		first, _ := utf8.DecodeRuneInString(w)
		out = append(out, unicode.ToUpper(first))
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// kindClasses colour the transcript's tags; unknown kinds are gray.
var kindClasses = map[string]string{
	"seen":       "tag-gray",
	"alert":      "tag-red",
	"escalation": "tag-red",
	"redirect":   "tag-blue",
	"deferred":   "tag-amber",
	"jira":       "tag-jira",
	"suggestion": "tag-green",
	"resolved":   "tag-green",
	"update":     "tag-purple",
	"digest":     "tag-purple",
	"report":     "tag-purple",
	"error":      "tag-red",
}

func kindClass(kind string) string {
	if c, ok := kindClasses[strings.ToLower(kind)]; ok {
		return c
	}
	return "tag-gray"
}

// badgeClass colours a badge by the word before its colon ("deferred: …").
func badgeClass(b string) string {
	word, _, _ := strings.Cut(b, ":")
	return kindClass(strings.TrimSpace(word))
}
