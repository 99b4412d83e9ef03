package sandbox

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// generalChannelID is the agency's #general, where every person and the bot are.
const generalChannelID = "C0GENERAL01"

// workspace builds the Slack fake's state: the agency's team with its
// people and our bot, each client's contacts in their own teams, #general,
// and one Slack Connect channel per client channel with the client's
// team on the agency's side and the contacts on theirs.
func (s *Sandbox) workspace() *slackfake.Workspace {
	sc := s.sc
	team := sc.Agency.Slack
	ws := &slackfake.Workspace{
		Team:      slackfake.Team{ID: team.ID, Name: team.Name, Domain: domainOf(team.Name)},
		BotUserID: slackfake.BotUserID, BotID: slackfake.BotID, AppID: slackfake.AppID,
	}
	ws.Users = append(ws.Users, slackfake.User{ID: slackfake.BotUserID, TeamID: team.ID, Name: "liaison", RealName: "Liaison",
		DisplayName: "liaison", IsBot: true, BotID: slackfake.BotID, AppID: slackfake.AppID, TZ: "UTC", TZLabel: "UTC"})
	general := slackfake.Channel{ID: generalChannelID, Name: "general", General: true, Members: []string{slackfake.BotUserID}}
	for _, p := range sc.People {
		u := s.slackUser(p.SlackUserID, team.ID, p.ID, p.Name, p.Email, s.personZone(&p.Person))
		u.IsAdmin = p.Role == connectors.RoleHead
		ws.Users = append(ws.Users, u)
		general.Members = append(general.Members, p.SlackUserID)
	}
	if len(sc.People) > 0 {
		general.Creator = sc.People[0].SlackUserID
	}
	ws.Channels = append(ws.Channels, general)
	for _, c := range sc.Clients {
		loc := s.clientZone(&c)
		var members []string
		for _, id := range append(append([]string{c.AccountManager, c.Head}, c.Specialists...), s.heads(c)...) {
			if sid := sc.slackIDs[id]; sid != "" && !contains(members, sid) {
				members = append(members, sid)
			}
		}
		members = append(members, slackfake.BotUserID)
		var teams []string
		for _, ct := range c.Contacts {
			u := s.slackUser(ct.SlackUserID, ct.TeamID, ct.ID, ct.Name, ct.Email, loc)
			if ct.TeamID == team.ID {
				u.IsRestricted = true // a guest of ours, never a stranger
			} else {
				u.IsStranger = ct.IsStranger == nil || *ct.IsStranger
				if !contains(teams, ct.TeamID) {
					teams = append(teams, ct.TeamID)
				}
			}
			ws.Users = append(ws.Users, u)
			members = append(members, ct.SlackUserID)
		}
		for _, ch := range c.SlackChannels {
			ws.Channels = append(ws.Channels, slackfake.Channel{ID: ch.ID, Name: ch.Name, Private: strings.HasPrefix(ch.ID, "G"),
				ExtShared: len(teams) > 0, ConnectedTeams: teams, Creator: sc.slackIDs[c.AccountManager],
				Topic: c.Name, Purpose: "Shared channel with " + c.Name, Members: members})
		}
	}
	return ws
}

// heads returns the client's head, or every head when it names none, as
// agency.yaml's loader picks the only head by default.
func (s *Sandbox) heads(c Client) []string {
	if c.Head != "" {
		return nil
	}
	var out []string
	for _, p := range s.sc.People {
		if p.Role == connectors.RoleHead {
			out = append(out, p.ID)
		}
	}
	return out
}

func (s *Sandbox) slackUser(id, team, name, real, email string, loc *time.Location) slackfake.User {
	_, off := s.start.In(loc).Zone()
	abbr, _ := s.start.In(loc).Zone()
	return slackfake.User{ID: id, TeamID: team, Name: name, RealName: real, DisplayName: strings.Fields(real + " " + name)[0],
		Email: email, TZ: loc.String(), TZLabel: abbr, TZOffset: off}
}

func (s *Sandbox) personZone(p *connectors.Person) *time.Location {
	if p.Timezone != "" {
		if loc, err := time.LoadLocation(p.Timezone); err == nil {
			return loc
		}
	}
	loc, _ := time.LoadLocation(s.sc.Agency.Timezone)
	return loc
}

func (s *Sandbox) clientZone(c *Client) *time.Location {
	if c.Timezone != "" {
		if loc, err := time.LoadLocation(c.Timezone); err == nil {
			return loc
		}
	}
	loc, _ := time.LoadLocation(s.sc.Agency.Timezone)
	return loc
}

// seedJira creates the bot account, people's accounts, every client's
// projects and the issues, resolving relative dates against the start.
func (s *Sandbox) seedJira() error {
	if s.creds.JiraEmail != jirafake.DefaultEmail || s.creds.JiraToken != jirafake.DefaultToken {
		if err := s.jira.AddUser(jirafake.User{AccountID: "712020:00000000liaisonbot", DisplayName: "Liaison (sandbox)",
			Email: s.creds.JiraEmail, APIToken: s.creds.JiraToken}); err != nil {
			return fmt.Errorf("seeding jira: adding the bot account: %w", err)
		}
	}
	p := &parser{file: s.sc.file, nodes: s.sc.nodes}
	for i, pp := range s.sc.People {
		if pp.JiraAccountID == "" {
			continue
		}
		if err := s.jira.AddUser(jirafake.User{AccountID: pp.JiraAccountID, DisplayName: pp.Name, Email: pp.Email,
			TimeZone: s.personZone(&pp.Person).String()}); err != nil {
			p.errAt(fmt.Sprintf("people[%d].jira_account_id", i), "the Jira fake refused the account: %v", err)
		}
	}
	clientOf := map[string]*Client{}
	for i := range s.sc.Clients {
		c := &s.sc.Clients[i]
		for j, k := range c.JiraProjects {
			clientOf[k] = c
			if _, err := s.jira.AddProject(jirafake.Project{Key: k, Name: c.Name}); err != nil {
				p.errAt(fmt.Sprintf("clients[%d].jira_projects[%d]", i, j), "the Jira fake refused the project: %v", err)
			}
		}
	}
	for i, is := range s.sc.Issues {
		path := fmt.Sprintf("issues[%d]", i)
		c := clientOf[is.Project]
		if c == nil {
			continue
		}
		in := jirafake.Issue{Key: is.Key, Project: is.Project, Summary: is.Summary, Description: is.Description,
			Status: canonical(jiraStatuses, is.Status), IssueType: canonical(jiraTypes, is.Type),
			Assignee: s.jiraID(is.Assignee), Reporter: s.jiraID(is.Reporter), Labels: is.Labels}
		if is.Due != "" {
			in.DueDate, _ = resolveDate(is.Due, s.start.In(s.clientZone(c)))
		}
		in.OriginalEstimate = seconds(is.Estimate)
		in.RemainingEstimate = seconds(is.Remaining)
		if in.RemainingEstimate == nil {
			in.RemainingEstimate = in.OriginalEstimate
		}
		in.Updated = s.start
		if is.Updated != "" {
			d, _ := parseOffset(is.Updated)
			in.Updated = s.start.Add(d)
		}
		in.Created = in.Updated.Add(-14 * 24 * time.Hour)
		if is.Created != "" {
			d, _ := parseOffset(is.Created)
			in.Created = s.start.Add(d)
		}
		if in.Created.After(in.Updated) {
			p.errAt(path+".created", "is after updated")
			continue
		}
		if strings.EqualFold(in.Status, "Done") {
			in.ResolutionDate = in.Updated
		}
		if _, err := s.jira.PutIssue(in); err != nil {
			p.errAt(path, "the Jira fake refused the issue: %v", err)
		}
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
		return p.errs
	}
	return nil
}

func (s *Sandbox) jiraID(personID string) string {
	for _, p := range s.sc.People {
		if p.ID == personID {
			return p.JiraAccountID
		}
	}
	return ""
}

func seconds(v string) *int64 {
	if v == "" {
		return nil
	}
	d, err := parseJiraDuration(v)
	if err != nil {
		return nil
	}
	n := int64(d / time.Second)
	return &n
}

// canonical returns the list's spelling of s, matched case-insensitively.
func canonical(list []string, s string) string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return x
		}
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func domainOf(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "agency"
	}
	return b.String()
}
