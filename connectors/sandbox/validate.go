package sandbox

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

var (
	idRE          = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	slackUserRE   = regexp.MustCompile(`^[UW][A-Z0-9]{8,}$`)
	slackChanRE   = regexp.MustCompile(`^[CG][A-Z0-9]{8,}$`)
	slackTeamRE   = regexp.MustCompile(`^T[A-Z0-9]{8,}$`)
	projectKeyRE  = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,9}$`)
	mentionIDRE   = regexp.MustCompile(`<@([a-z0-9][a-z0-9._-]*)>`)
	jiraStatuses  = []string{"To Do", "In Progress", "In Review", "Done"} // the Jira fake's one workflow
	jiraTypes     = []string{"Task", "Sub-task", "Bug", "Story", "Epic"}
	defaultTeamID = "T0AGENCY01"
)

// validate checks what a strict decode cannot: references between
// sections, relative dates and durations, ids in Slack's shapes. It also
// fills in generated ids, so the scenario is complete once it passes.
func (p *parser) validate(sc *Scenario) {
	a := &sc.Agency
	if strings.TrimSpace(a.Name) == "" {
		p.errAt("agency.name", "is required")
	}
	if _, err := loadZone(a.Timezone); err != nil {
		p.errAt("agency.timezone", "%v", err)
	}
	if a.Language == "" {
		a.Language = connectors.LanguageEnglish
	} else if !a.Language.Valid() {
		p.errAt("agency.language", "must be ru, uk or en, not %q", a.Language)
	}
	if a.Slack.ID == "" {
		a.Slack.ID = defaultTeamID
	} else if !slackTeamRE.MatchString(a.Slack.ID) {
		p.errAt("agency.slack.id", "%q is not a Slack team id (T and at least eight uppercase letters or digits)", a.Slack.ID)
	}
	if a.Slack.Name == "" {
		a.Slack.Name = a.Name
	}
	for i, h := range a.Holidays {
		if err := checkDate(h.Date); err != nil {
			p.errAt(fmt.Sprintf("agency.holidays[%d].date", i), "%v", err)
		}
	}

	gen := newIDGen()
	sc.slackIDs = map[string]string{}
	users, clients := map[string]string{}, map[string]string{}
	people := map[string]*connectors.Person{}
	for i := range sc.People {
		pp := &sc.People[i].Person
		path := fmt.Sprintf("people[%d]", i)
		if !p.checkID(path+".id", pp.ID, users) {
			continue
		}
		people[pp.ID], users[pp.ID] = pp, "person"
		if pp.Name == "" {
			p.errAt(path+".name", "is required")
		}
		if !pp.Role.Valid() {
			p.errAt(path+".role", "must be account_manager, specialist, head or finance, not %q", pp.Role)
		}
		if pp.Timezone != "" {
			if _, err := loadZone(pp.Timezone); err != nil {
				p.errAt(path+".timezone", "%v", err)
			}
		}
		switch {
		case pp.SlackUserID == "":
			pp.SlackUserID = gen.next("U", pp.ID)
		case !slackUserRE.MatchString(pp.SlackUserID):
			p.errAt(path+".slack_user_id", "%q is not a Slack user id (U or W and at least eight uppercase letters or digits)", pp.SlackUserID)
		default:
			gen.claim(pp.SlackUserID)
		}
		if pp.JiraAccountID == "" && pp.Role != connectors.RoleFinance {
			pp.JiraAccountID = jiraAccountID(pp.ID)
		}
		sc.slackIDs[pp.ID] = pp.SlackUserID
	}
	personRole := func(path, id string, want ...connectors.Role) {
		pp := people[id]
		switch {
		case id == "":
			p.errAt(path, "is required")
		case pp == nil:
			p.errAt(path, "no person with id %q in people", id)
		case len(want) > 0 && !containsRole(want, pp.Role):
			p.errAt(path, "%s has role %s, not %s", id, pp.Role, want[0])
		}
	}

	sc.channels = map[string]string{}
	projects := map[string]string{} // key → client id
	for i := range sc.Clients {
		c := &sc.Clients[i]
		path := fmt.Sprintf("clients[%d]", i)
		if !p.checkID(path+".id", c.ID, clients) {
			continue
		}
		clients[c.ID] = "client"
		if c.Name == "" {
			p.errAt(path+".name", "is required")
		}
		if c.Language != "" && !c.Language.Valid() {
			p.errAt(path+".language", "must be ru, uk or en, not %q", c.Language)
		}
		if c.Timezone != "" {
			if _, err := loadZone(c.Timezone); err != nil {
				p.errAt(path+".timezone", "%v", err)
			}
		}
		personRole(path+".account_manager", c.AccountManager, connectors.RoleAccountManager)
		for j, s := range c.Specialists {
			personRole(fmt.Sprintf("%s.specialists[%d]", path, j), s, connectors.RoleSpecialist)
		}
		if c.Head != "" {
			personRole(path+".head", c.Head, connectors.RoleHead)
		}
		if c.StartDate != "" {
			if err := checkDate(c.StartDate); err != nil {
				p.errAt(path+".start_date", "%v", err)
			}
		}
		for j, k := range c.JiraProjects {
			kp := fmt.Sprintf("%s.jira_projects[%d]", path, j)
			switch {
			case !projectKeyRE.MatchString(k):
				p.errAt(kp, "%q is not a Jira project key (an uppercase letter, then up to nine uppercase letters, digits or _)", k)
			case projects[k] != "":
				p.errAt(kp, "project %s already belongs to client %s", k, projects[k])
			default:
				projects[k] = c.ID
			}
		}
		if len(c.SlackChannels) == 0 {
			c.SlackChannels = []Channel{{}}
		}
		for j := range c.SlackChannels {
			ch := &c.SlackChannels[j]
			cp := fmt.Sprintf("%s.slack_channels[%d]", path, j)
			if ch.Name == "" {
				ch.Name = "ext-" + c.ID
				if j > 0 {
					ch.Name = fmt.Sprintf("ext-%s-%d", c.ID, j+1)
				}
			}
			switch {
			case ch.ID == "":
				ch.ID = gen.next("C", c.ID+fmt.Sprint(j))
			case !slackChanRE.MatchString(ch.ID):
				p.errAt(cp+".id", "%q is not a Slack channel id (C or G and at least eight uppercase letters or digits)", ch.ID)
			default:
				gen.claim(ch.ID)
			}
			if other, dup := sc.channels[ch.Name]; dup {
				p.errAt(cp+".name", "channel %s is already %s", ch.Name, other)
			}
			sc.channels[ch.Name], sc.channels[ch.ID] = ch.ID, ch.ID
		}
		sc.channels[c.ID] = c.SlackChannels[0].ID
		if c.SlackTeam.ID == "" {
			c.SlackTeam.ID = gen.next("T", c.ID)
		} else if !slackTeamRE.MatchString(c.SlackTeam.ID) {
			p.errAt(path+".slack_team.id", "%q is not a Slack team id (T and at least eight uppercase letters or digits)", c.SlackTeam.ID)
		}
		if c.SlackTeam.Name == "" {
			c.SlackTeam.Name = c.Name
		}
		for j := range c.Contacts {
			ct := &c.Contacts[j]
			cp := fmt.Sprintf("%s.contacts[%d]", path, j)
			if !p.checkID(cp+".id", ct.ID, users) {
				continue
			}
			users[ct.ID] = "contact of " + c.ID
			if ct.Name == "" {
				p.errAt(cp+".name", "is required")
			}
			if ct.TeamID == "" {
				ct.TeamID = c.SlackTeam.ID
			} else if !slackTeamRE.MatchString(ct.TeamID) {
				p.errAt(cp+".team_id", "%q is not a Slack team id", ct.TeamID)
			}
			switch {
			case ct.SlackUserID == "":
				ct.SlackUserID = gen.next("U", ct.ID)
			case !slackUserRE.MatchString(ct.SlackUserID):
				p.errAt(cp+".slack_user_id", "%q is not a Slack user id (U or W and at least eight uppercase letters or digits)", ct.SlackUserID)
			default:
				gen.claim(ct.SlackUserID)
			}
			sc.slackIDs[ct.ID] = ct.SlackUserID
		}
		for j, ex := range c.Exceptions {
			ep := fmt.Sprintf("%s.exceptions[%d]", path, j)
			for _, b := range []struct{ key, v string }{{"from", ex.From}, {"to", ex.To}} {
				if b.v != "" && (b.v[0] == '+' || b.v[0] == '-') {
					if _, err := parseOffset(b.v); err != nil {
						p.errAt(ep+"."+b.key, "%v", err)
					}
				}
			}
		}
	}

	for i, is := range sc.Issues {
		path := fmt.Sprintf("issues[%d]", i)
		switch {
		case is.Project == "":
			p.errAt(path+".project", "is required")
		case projects[is.Project] == "":
			p.errAt(path+".project", "no client has Jira project %q", is.Project)
		}
		if is.Key != "" && !strings.HasPrefix(is.Key, is.Project+"-") {
			p.errAt(path+".key", "%q is not a key of project %s", is.Key, is.Project)
		}
		if strings.TrimSpace(is.Summary) == "" {
			p.errAt(path+".summary", "is required")
		}
		if is.Status != "" && !containsFold(jiraStatuses, is.Status) {
			p.errAt(path+".status", "must be one of %s, not %q", strings.Join(jiraStatuses, ", "), is.Status)
		}
		if is.Type != "" && !containsFold(jiraTypes, is.Type) {
			p.errAt(path+".type", "must be one of %s, not %q", strings.Join(jiraTypes, ", "), is.Type)
		}
		if is.Assignee != "" {
			personRole(path+".assignee", is.Assignee)
		}
		if is.Reporter != "" {
			personRole(path+".reporter", is.Reporter)
		}
		if is.Due != "" {
			if err := checkDate(is.Due); err != nil {
				p.errAt(path+".due", "%v", err)
			}
		}
		for _, f := range []struct{ key, v string }{{"estimate", is.Estimate}, {"remaining", is.Remaining}} {
			if f.v != "" {
				if _, err := parseJiraDuration(f.v); err != nil {
					p.errAt(path+"."+f.key, "%v", err)
				}
			}
		}
		for _, f := range []struct{ key, v string }{{"created", is.Created}, {"updated", is.Updated}} {
			if f.v == "" {
				continue
			}
			if d, err := parseOffset(f.v); err != nil {
				p.errAt(path+"."+f.key, "%v", err)
			} else if d > 0 {
				p.errAt(path+"."+f.key, "%q is in the future; write an offset into the past such as -2h", f.v)
			}
		}
	}

	msgAt := map[string]time.Duration{}
	sc.atOf = make([]time.Duration, len(sc.Messages))
	for i, m := range sc.Messages {
		path := fmt.Sprintf("messages[%d]", i)
		at, err := parseOffset(m.At)
		switch {
		case m.At == "":
			p.errAt(path+".at", "is required: an offset from the start such as +5m")
		case err != nil:
			p.errAt(path+".at", "%v", err)
		case at < 0:
			p.errAt(path+".at", "%q is before the start; the Slack fake stamps messages with the clock, so offsets must be +0 or later", m.At)
		}
		sc.atOf[i] = at
		if sc.channels[m.Channel] == "" {
			p.errAt(path+".channel", "no client, channel name or channel id %q", m.Channel)
		}
		if m.User == "" {
			p.errAt(path+".user", "is required: a person or contact id")
		} else if sc.slackIDs[m.User] == "" {
			p.errAt(path+".user", "no person or client contact with id %q", m.User)
		}
		if strings.TrimSpace(m.Text) == "" {
			p.errAt(path+".text", "is required")
		}
		for _, mm := range mentionIDRE.FindAllStringSubmatch(m.Text, -1) {
			if sc.slackIDs[mm[1]] == "" {
				p.errAt(path+".text", "mentions <@%s>, who is no person or client contact", mm[1])
			}
		}
		if m.ThreadOf != "" {
			parentAt, ok := msgAt[m.ThreadOf]
			switch {
			case !ok:
				p.errAt(path+".thread_of", "no earlier message with id %q", m.ThreadOf)
			case parentAt > at:
				p.errAt(path+".thread_of", "message %q is posted later (%s), so it cannot be replied to yet", m.ThreadOf, sc.Messages[indexOfMessage(sc, m.ThreadOf)].At)
			}
		}
		if m.ID != "" {
			if _, dup := msgAt[m.ID]; dup {
				p.errAt(path+".id", "duplicate message id %q", m.ID)
			}
			msgAt[m.ID] = at
		}
	}
	p.validateActivity(sc, msgAt)
}

// validateActivity checks the activity list: one action each, at an offset
// after the message it acts on, by someone who exists.
func (p *parser) validateActivity(sc *Scenario, msgAt map[string]time.Duration) {
	sc.actAt = make([]time.Duration, len(sc.Activity))
	for i, a := range sc.Activity {
		path := fmt.Sprintf("activity[%d]", i)
		at, err := parseOffset(a.At)
		switch {
		case a.At == "":
			p.errAt(path+".at", "is required: an offset from the start such as +5m")
		case err != nil:
			p.errAt(path+".at", "%v", err)
		case at < 0:
			p.errAt(path+".at", "%q is before the start; offsets must be +0 or later", a.At)
		}
		sc.actAt[i] = at
		var what []string
		for _, k := range []struct{ key, v string }{{"edit", a.Edit}, {"delete", a.Delete}, {"react", a.React}, {"press", a.Press}} {
			if k.v != "" {
				what = append(what, k.key)
			}
		}
		if len(what) != 1 {
			p.errAt(path, "needs exactly one of edit, delete, react and press; has %d", len(what))
			continue
		}
		if a.User != "" && sc.slackIDs[a.User] == "" {
			p.errAt(path+".user", "no person or client contact with id %q", a.User)
		}
		target := a.Edit + a.Delete + a.React
		if target != "" {
			key := what[0]
			parentAt, ok := msgAt[target]
			switch {
			case !ok:
				p.errAt(path+"."+key, "no message with id %q", target)
			case parentAt > at:
				p.errAt(path+"."+key, "message %q is posted later (%s)", target, sc.Messages[indexOfMessage(sc, target)].At)
			case (a.Edit != "" || a.Delete != "") && a.User != "" && a.User != sc.Messages[indexOfMessage(sc, target)].User:
				p.errAt(path+".user", "only the author of %q (%s) can %s it, as in Slack", target, sc.Messages[indexOfMessage(sc, target)].User, key)
			}
		}
		switch {
		case a.Edit != "":
			if strings.TrimSpace(a.Text) == "" {
				p.errAt(path+".text", "is required: the edited text")
			}
			for _, mm := range mentionIDRE.FindAllStringSubmatch(a.Text, -1) {
				if sc.slackIDs[mm[1]] == "" {
					p.errAt(path+".text", "mentions <@%s>, who is no person or client contact", mm[1])
				}
			}
		case a.React != "":
			if a.User == "" {
				p.errAt(path+".user", "is required: who reacts")
			}
			if a.Reaction == "" || strings.Contains(a.Reaction, ":") {
				p.errAt(path+".reaction", "is required: an emoji name without colons, such as question")
			}
		case a.Press != "":
			if a.User == "" {
				p.errAt(path+".user", "is required: who presses the button")
			}
			if a.In != "" && sc.slackIDs[a.In] == "" && sc.channels[a.In] == "" {
				p.errAt(path+".in", "no person, client, channel name or channel id %q", a.In)
			}
		}
		if a.Text != "" && a.Edit == "" {
			p.errAt(path+".text", "only goes with edit")
		}
		if a.Reaction != "" && a.React == "" {
			p.errAt(path+".reaction", "only goes with react")
		}
		if (a.In != "" || a.Containing != "") && a.Press == "" {
			p.errAt(path, "in and containing only go with press")
		}
	}
}

// checkID checks an id and that taken (what each id names) does not hold
// it yet. People and contacts share one namespace because messages and
// mentions name them alike.
func (p *parser) checkID(path, id string, taken map[string]string) bool {
	switch {
	case id == "":
		p.errAt(path, "is required")
	case !idRE.MatchString(id):
		p.errAt(path, "%q must be lowercase letters, digits, '.', '_' or '-'", id)
	case taken[id] != "":
		p.errAt(path, "id %q is already used by a %s", id, taken[id])
	default:
		return true
	}
	return false
}

func indexOfMessage(sc *Scenario, id string) int {
	for i, m := range sc.Messages {
		if m.ID == id {
			return i
		}
	}
	return 0
}

func containsRole(rs []connectors.Role, r connectors.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return nil, fmt.Errorf("is required: an IANA time zone such as Europe/Kyiv")
	}
	if name == "Local" {
		return nil, fmt.Errorf("must name a zone; Local depends on the host")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return loc, nil
}

// jiraAccountID makes up a stable Atlassian-style account id for a person.
func jiraAccountID(personID string) string {
	h := fnv.New64a()
	h.Write([]byte(personID))
	return fmt.Sprintf("712020:%016x", h.Sum64())
}

// idGen makes up Slack ids from names: the prefix, "0", then the name's
// letters and digits in upper case, padded to the length Slack's spec wants
// and made unique with a counter.
type idGen struct{ used map[string]bool }

func newIDGen() *idGen { return &idGen{used: map[string]bool{}} }

func (g *idGen) claim(id string) { g.used[id] = true }

func (g *idGen) next(prefix, name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	base := b.String()
	if len(base) > 8 {
		base = base[:8]
	}
	base += strings.Repeat("0", 8-len(base))
	id := prefix + "0" + base
	for n := 1; g.used[id]; n++ {
		suffix := fmt.Sprint(n)
		id = prefix + "0" + base[:8-len(suffix)] + suffix
	}
	g.used[id] = true
	return id
}
