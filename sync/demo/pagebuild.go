package demo

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/demo/page"
)

// page assembles the HTML page: Liaison's DMs first (what the account
// managers and the head read), then the clients' channels, then anything
// else it posted in.
func (s state) page(r Result) page.Page {
	p := page.Page{
		Title:   "Liaison demo — a working day at " + s.dir.agency,
		Agency:  s.dir.agency,
		Start:   r.Start,
		End:     r.End,
		Summary: r.Summary,
		Users:   s.dir.names(),
	}
	var dms, others []page.Conversation
	for _, ch := range s.channelOrder() {
		if _, client := s.dir.channels[ch]; client {
			continue
		}
		if rcpt := s.recipientOf(ch); rcpt != "" {
			to := s.dir.user(rcpt)
			dms = append(dms, page.Conversation{ID: ch, Name: to.name, Kind: page.KindDM,
				Members: []string{to.name, "Liaison"}, Messages: s.pageMessages(ch, to.loc)})
			continue
		}
		others = append(others, page.Conversation{ID: ch, Name: strings.TrimPrefix(s.channelName(ch), "#"),
			Kind: page.KindChannel, Members: s.memberNames(ch), Messages: s.pageMessages(ch, s.dir.agencyTZ)})
	}
	sort.SliceStable(dms, func(i, j int) bool {
		if ri, rj := s.dmRank(dms[i].ID), s.dmRank(dms[j].ID); ri != rj {
			return ri < rj
		}
		return dms[i].Name < dms[j].Name
	})
	p.Conversations = append(p.Conversations, dms...)
	for _, c := range s.cfg.Clients {
		for _, ch := range c.SlackChannels {
			info := s.dir.channels[ch]
			p.Conversations = append(p.Conversations, page.Conversation{ID: ch, Name: info.name, Kind: page.KindShared,
				Members: s.memberNames(ch), Messages: s.pageMessages(ch, s.dir.user(info.am).loc)})
		}
	}
	p.Conversations = append(p.Conversations, others...)
	ref := r.Start.Location()
	for _, e := range r.Transcript {
		e.Text = localNote(e, ref) + flatten(e.Text)
		e.Location = ref
		p.Transcript = append(p.Transcript, e)
	}
	return p
}

// channelOrder lists the channels that hold any message, in first-message
// order.
func (s state) channelOrder() []string {
	seen := map[string]bool{}
	var out []string
	for _, ms := range [][]slackfake.Message{s.messages, s.ephemerals} {
		for _, m := range ms {
			if !seen[m.Channel] {
				seen[m.Channel] = true
				out = append(out, m.Channel)
			}
		}
	}
	return out
}

// dmRank puts account managers' DMs first, then the head's, then the rest.
func (s state) dmRank(ch string) int {
	switch s.dir.user(s.recipientOf(ch)).role {
	case "account_manager":
		return 0
	case "head":
		return 1
	}
	return 2
}

func (s state) memberNames(ch string) []string {
	var out []string
	for _, id := range s.members[ch] {
		u := s.dir.user(id)
		if u.external() {
			out = append(out, u.name+" ("+u.org+")")
		} else {
			out = append(out, u.name)
		}
	}
	return out
}

// pageMessages draws a channel's messages for a reader in loc: top-level
// ones in order with their replies nested, ephemerals where they appeared.
func (s state) pageMessages(ch string, loc *time.Location) []page.Message {
	var top []page.Message
	index := map[string]int{}
	for _, m := range s.messages {
		if m.Channel != ch {
			continue
		}
		pm := s.pageMessage(m, loc)
		if m.ThreadTS != "" && m.ThreadTS != m.TS {
			if i, ok := index[m.ThreadTS]; ok {
				top[i].Thread = append(top[i].Thread, pm)
				continue
			}
		}
		index[m.TS] = len(top)
		top = append(top, pm)
	}
	for _, m := range s.ephemerals {
		if m.Channel == ch {
			pm := s.pageMessage(m, loc)
			pm.Ephemeral = true
			top = append(top, pm)
		}
	}
	sort.SliceStable(top, func(i, j int) bool { return top[i].TS < top[j].TS })
	return top
}

func (s state) pageMessage(m slackfake.Message, loc *time.Location) page.Message {
	u := s.dir.user(m.User)
	pm := page.Message{
		TS: m.TS, Time: tsTime(m.TS), Location: loc, UserID: m.User, UserName: u.name,
		Bot: m.User == slackfake.BotUserID || m.BotID != "", External: u.external(), Org: u.org,
		Text: s.stable(m.Text), Edited: m.Edited != nil,
	}
	if len(m.Blocks) > 0 {
		pm.Blocks = json.RawMessage(s.stable(string(m.Blocks)))
	}
	if m.User != slackfake.BotUserID {
		return pm
	}
	key := deliveryKey(m)
	if key != "" {
		pm.Metadata = "liaison_delivery · " + key
	}
	_, client := s.dir.channels[m.Channel]
	switch {
	case m.Ephemeral && isSuggestion(m):
		pm.Badges = append(pm.Badges, kindSuggestion)
	case m.Ephemeral:
		pm.Badges = append(pm.Badges, "private note")
	case strings.HasPrefix(key, faqPostKeyPrefix):
		pm.Badges = append(pm.Badges, kindSuggestion+": answer posted by the AM")
	case client:
		if p, ok := s.parent(m); ok && s.dir.user(p.User).external() {
			if r := s.ruleOf(m); r == "" || r == "redirect" {
				pm.Badges = append(pm.Badges, kindRedirect)
			}
		}
	case strings.Contains(key, "/digest/"):
		pm.Badges = append(pm.Badges, kindDigest)
	default:
		pm.Badges = append(pm.Badges, kindAlert)
	}
	if b := s.deferredBadge(m, loc); b != "" {
		pm.Badges = append([]string{b}, pm.Badges...)
	}
	if m.Edited != nil && s.resolved(m) {
		pm.Resolved = true
		pm.Badges = append(pm.Badges, kindResolved)
	}
	return pm
}

// flatten puts a multi-line transcript text on one line for the page's
// table, where a bullet list reads fine inline.
func flatten(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}
