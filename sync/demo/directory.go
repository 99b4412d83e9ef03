package demo

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// who is a Slack user as the demo names them.
type who struct {
	id   string // person or contact id in the scenario; empty for unknown users
	name string
	role string // account_manager, specialist, head, finance; "client" for contacts; "bot" for Liaison
	// org is the client's name for a client contact.
	org string
	loc *time.Location
}

// external reports a client-side user, drawn with their organisation.
func (w who) external() bool { return w.role == "client" }

// label is the name with the role or organisation, as a reader would want
// it in a transcript line.
func (w who) label() string {
	switch w.role {
	case "client":
		return w.name + " (" + w.org + ", Slack Connect)"
	case "", "bot":
		return w.name
	}
	return w.name + " (" + strings.ReplaceAll(w.role, "_", " ") + ")"
}

// qualifier says who someone is, after their name in a transcript line:
// "Acme Ukraine (Slack Connect)" or "specialist".
func (w who) qualifier() string {
	switch w.role {
	case "client":
		return w.org + " (Slack Connect)"
	case "", "bot":
		return ""
	}
	return strings.ReplaceAll(w.role, "_", " ")
}

// channelInfo is a client's Slack Connect channel.
type channelInfo struct {
	name     string
	clientID string
	am       string // slack id of the client's account manager
}

// directory names users and channels and knows everyone's time zone.
type directory struct {
	agency   string
	agencyTZ *time.Location
	users    map[string]who // by Slack user id
	channels map[string]channelInfo
}

func newDirectory(cfg *configs.Config, sc *sandbox.Scenario) directory {
	d := directory{agency: cfg.Agency.Name, users: map[string]who{}, channels: map[string]channelInfo{}}
	_, d.agencyTZ = cfg.AgencyLocale()
	d.users[slackfake.BotUserID] = who{name: "Liaison", role: "bot", loc: d.agencyTZ}
	for _, p := range cfg.People {
		d.users[p.SlackUserID] = who{id: p.ID, name: p.Name, role: string(p.Role), loc: zoneOr(p.Timezone, d.agencyTZ)}
	}
	for _, c := range cfg.Clients {
		loc := cfg.ClientLocation(c.ID)
		for _, ct := range c.Contacts {
			d.users[ct.SlackUserID] = who{name: ct.Name, role: "client", org: c.Name, loc: loc}
		}
		am := ""
		if p := cfg.Person(c.AccountManager); p != nil {
			am = p.SlackUserID
		}
		for _, ch := range c.SlackChannels {
			d.channels[ch] = channelInfo{name: ch, clientID: c.ID, am: am}
		}
	}
	for _, c := range sc.Clients {
		for _, ch := range c.SlackChannels {
			if info, ok := d.channels[ch.ID]; ok && ch.Name != "" {
				info.name = ch.Name
				d.channels[ch.ID] = info
			}
		}
	}
	return d
}

func zoneOr(name string, def *time.Location) *time.Location {
	if name == "" {
		return def
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return def
	}
	return loc
}

// user returns what is known of a Slack user; an unknown one is named by id.
func (d directory) user(id string) who {
	if w, ok := d.users[id]; ok {
		return w
	}
	return who{name: id, loc: d.agencyTZ}
}

// byPersonID finds a person or contact by scenario id; recipients of
// notifications are named that way.
func (d directory) byPersonID(id string) (string, who) {
	for sid, w := range d.users {
		if w.id == id && id != "" {
			return sid, w
		}
	}
	return "", who{name: id, loc: d.agencyTZ}
}

// names maps Slack ids to display names, for the page's mentions.
func (d directory) names() map[string]string {
	out := make(map[string]string, len(d.users))
	for id, w := range d.users {
		out[id] = w.name
	}
	return out
}

var mentionRE = regexp.MustCompile(`<([@#!])([^>|]+)(?:\|([^>]*))?>`)

// plain turns Slack mrkdwn into text a terminal shows well: mentions become
// @names, channel links #names, links their label.
func (d directory) plain(s string) string {
	return mentionRE.ReplaceAllStringFunc(s, func(m string) string {
		p := mentionRE.FindStringSubmatch(m)
		switch p[1] {
		case "@":
			return "@" + d.user(p[2]).name
		case "#":
			if c, ok := d.channels[p[2]]; ok {
				return "#" + c.name
			}
			if p[3] != "" {
				return "#" + p[3]
			}
			return "#" + p[2]
		default:
			if p[3] != "" {
				return p[3]
			}
			return "@" + p[2]
		}
	})
}

// zoneLabel names the zone t is shown in: its abbreviation when the zone
// has a real one (EET, EST), else the city, since "+05" tells a reader little.
func zoneLabel(t time.Time) string {
	abbr, _ := t.Zone()
	if abbr != "" && abbr[0] != '+' && abbr[0] != '-' {
		return abbr
	}
	name := t.Location().String()
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return strings.ReplaceAll(name, "_", " ")
}

// tsTime reads a Slack ts ("1700000000.000100") as an instant.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000).UTC()
}
