package configs

import (
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

var (
	idRE           = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	specialtyRE    = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	jiraAccountRE  = regexp.MustCompile(`^[A-Za-z0-9:_-]+$`)
	hoursLineErrRE = regexp.MustCompile(`^line (\d+) \("(?:[^"\\]|\\.)*"\): `)
)

// validate checks the decoded config, collecting every problem, and derives
// calendars, locations and effective rules for what is valid.
func (l *loader) validate() {
	cfg := l.cfg
	cfg.d = &derived{
		people:    map[string]*connectors.Person{},
		clients:   map[string]*Client{},
		calendars: map[string]*hours.Calendar{},
		locations: map[string]*time.Location{},
		rules:     map[string]*Rules{},
		windows:   map[string][]hours.Window{},
	}
	agencyLoc := l.validateAgency()
	l.validateServer()
	l.validatePeople(agencyLoc)
	l.validateClients(agencyLoc)
	l.validateRules()
	l.validateConnections()
	l.loadFAQ()
	l.recordUnconfigured()
}

func (l *loader) add(path, format string, args ...any) { l.doc.addAt(path, format, args...) }

// merge reports each problem of a block's Validate under prefix.
func (l *loader) merge(prefix string, err error) {
	for _, fe := range field.Flatten(err) {
		l.add(field.Join(prefix, fe.Path), "%s", fe.Msg)
	}
}

// location loads an IANA zone, reporting a bad one at path.
func (l *loader) location(path, name string) (*time.Location, bool) {
	if name == "" {
		l.add(path, "is required: an IANA time zone such as Europe/Kyiv")
		return nil, false
	}
	if name == "Local" {
		l.add(path, "must name a zone; Local depends on the host")
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		l.add(path, "unknown time zone %q%s", name, field.DidYouMean(name, zoneNames()))
		return nil, false
	}
	return loc, true
}

func (l *loader) date(path, s string) (hours.Date, bool) {
	d, err := hours.ParseDate(s)
	if err != nil {
		l.add(path, "%q is not a date (YYYY-MM-DD)", s)
		return hours.Date{}, false
	}
	return d, true
}

func (l *loader) language(path string, lang connectors.Language) {
	if !lang.Valid() {
		l.add(path, "must be ru, uk or en, not %q", lang)
	}
}

func (l *loader) validateAgency() *time.Location {
	a := &l.cfg.Agency
	if strings.TrimSpace(a.Name) == "" {
		l.add("agency.name", "is required")
	}
	loc, ok := l.location("agency.timezone", a.Timezone)
	if !ok {
		loc = time.UTC
	}
	l.language("agency.language", a.Language)
	if a.SlackTeamID != "" {
		if err := field.CheckSlackTeamID(a.SlackTeamID); err != nil {
			l.add("agency.slack_team_id", "%v", err)
		}
	}
	l.cfg.d.holidays = map[string][]hours.Date{}
	for _, name := range sortedKeys(a.HolidayCalendars) {
		p := "agency.holiday_calendars." + name
		if !idRE.MatchString(name) {
			l.add(p, "calendar name must be lowercase letters, digits, '.', '_' or '-'")
		}
		seen := map[hours.Date]int{}
		var days []hours.Date
		for i, h := range a.HolidayCalendars[name] {
			hp := field.Index(p, i)
			d, ok := l.date(hp+".date", h.Date)
			if !ok {
				continue
			}
			if j, dup := seen[d]; dup {
				l.add(hp+".date", "%s is already listed at %s", h.Date, field.Index(p, j))
				continue
			}
			seen[d] = i
			days = append(days, d)
		}
		l.cfg.d.holidays[name] = days
	}
	if a.DefaultHolidayCalendar != "" {
		if _, ok := a.HolidayCalendars[a.DefaultHolidayCalendar]; !ok {
			l.add("agency.default_holiday_calendar", "no holiday calendar named %q in agency.holiday_calendars", a.DefaultHolidayCalendar)
		}
	}
	return loc
}

func (l *loader) validateServer() {
	c := l.cfg
	if _, err := ParseMemoryLimit(c.Server.MemoryLimit); err != nil {
		l.add("server.memory_limit", "%v", err)
	}
	if _, port, err := net.SplitHostPort(c.Server.Listen); err != nil {
		l.add("server.listen", "must be host:port or :port, not %q", c.Server.Listen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		l.add("server.listen", "port must be a number 0..65535, not %q", port)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		l.add("log.level", "must be debug, info, warn or error, not %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		l.add("log.format", "must be text or json, not %q", c.Log.Format)
	}
	switch c.Store.Driver {
	case DriverSQLite:
		if c.Store.DataDir == "" {
			l.add("store.data_dir", "is required with driver sqlite")
		} else if !filepath.IsAbs(c.Store.DataDir) {
			// Like faq: and *_file, relative to the config file, so that
			// the state does not move with the directory Liaison is
			// started from.
			c.Store.DataDir = l.resolvePath(c.Store.DataDir)
		}
		if c.Store.DSN.IsSet() {
			l.add("store.dsn", "is used only with driver postgres")
		}
	case DriverPostgres:
		if !c.Store.DSN.IsSet() {
			l.add("store.dsn", "is required with driver postgres (or dsn_file)")
		}
	default:
		l.add("store.driver", "must be sqlite or postgres, not %q", c.Store.Driver)
	}
}

func (l *loader) validatePeople(agencyLoc *time.Location) {
	cfg := l.cfg
	emails := map[string]string{}
	slackIDs := map[string]string{}
	for i := range cfg.People {
		p := &cfg.People[i]
		path := field.Index("people", i)
		switch {
		case p.ID == "":
			l.add(path+".id", "is required")
		case !idRE.MatchString(p.ID):
			l.add(path+".id", "%q must be lowercase letters, digits, '.', '_' or '-'", p.ID)
		case cfg.d.people[p.ID] != nil:
			l.add(path+".id", "duplicate person id %q", p.ID)
		default:
			cfg.d.people[p.ID] = p
		}
		if strings.TrimSpace(p.Name) == "" {
			l.add(path+".name", "is required")
		}
		if p.Email == "" {
			l.add(path+".email", "is required")
		} else if err := field.CheckEmail(p.Email); err != nil {
			l.add(path+".email", "%v", err)
		} else if other, dup := emails[strings.ToLower(p.Email)]; dup {
			l.add(path+".email", "is also the email of %s", other)
		} else {
			emails[strings.ToLower(p.Email)] = path
		}
		if !p.Role.Valid() {
			l.add(path+".role", "must be account_manager, specialist, head or finance, not %q", p.Role)
		}
		switch {
		case p.Specialty != "" && !specialtyRE.MatchString(p.Specialty):
			l.add(path+".specialty", "must be lowercase, such as seo or ppc, not %q", p.Specialty)
		case p.Specialty == "" && p.Role == connectors.RoleSpecialist:
			l.add(path+".specialty", "is required for a specialist (seo, ppc, content...)")
		}
		if p.SlackUserID == "" {
			l.add(path+".slack_user_id", "is required: Liaison reaches people in Slack")
		} else if err := field.CheckSlackUserID(p.SlackUserID); err != nil {
			l.add(path+".slack_user_id", "%v", err)
		} else if other, dup := slackIDs[p.SlackUserID]; dup {
			l.add(path+".slack_user_id", "is also the Slack id of %s", other)
		} else {
			slackIDs[p.SlackUserID] = path
		}
		switch {
		case p.JiraAccountID != "" && !jiraAccountRE.MatchString(p.JiraAccountID):
			l.add(path+".jira_account_id", "is not an Atlassian account id")
		case p.JiraAccountID == "" && p.Role == connectors.RoleSpecialist:
			l.add(path+".jira_account_id", "is required for a specialist: question and checklist tasks are assigned to it")
		}
		l.validateCapacity(path+".capacity", p)

		cal := &hours.Calendar{Location: agencyLoc}
		ok := true
		if p.Timezone != "" {
			cal.Location, ok = l.location(path+".timezone", p.Timezone)
		} else {
			p.Timezone = cfg.Agency.Timezone
		}
		if p.Language != "" {
			l.language(path+".language", p.Language)
		} else {
			p.Language = cfg.Agency.Language
		}
		if len(p.Hours) == 0 {
			p.Hours = []string{DefaultHours}
		}
		week, weekOK := l.week(path+".hours", p.Hours)
		ok = ok && weekOK
		cal.Week = week
		if p.HolidayCalendar == "" {
			p.HolidayCalendar = cfg.Agency.DefaultHolidayCalendar
		} else if _, exists := cfg.Agency.HolidayCalendars[p.HolidayCalendar]; !exists {
			l.add(path+".holiday_calendar", "no holiday calendar named %q in agency.holiday_calendars", p.HolidayCalendar)
			ok = false
		}
		cal.Holidays = cfg.d.holidays[p.HolidayCalendar]
		for j, v := range p.Vacations {
			vp := field.Index(path+".vacations", j)
			from, okFrom := l.date(vp+".from", v.From)
			to, okTo := l.date(vp+".to", v.To)
			if okFrom && okTo && to.Before(from) {
				l.add(vp+".to", "%s is before from %s", v.To, v.From)
				okTo = false
			}
			ok = ok && okFrom && okTo
			cal.Vacations = append(cal.Vacations, hours.DateRange{From: from, To: to})
		}
		if ok && p.ID != "" && cfg.d.people[p.ID] == p {
			cfg.d.calendars[p.ID] = cal
		}
	}
}

func (l *loader) validateCapacity(path string, p *connectors.Person) {
	c := p.Capacity
	if c.MaxClients < 0 {
		l.add(path+".max_clients", "must not be negative")
	} else if c.MaxClients > 0 && p.Role != connectors.RoleAccountManager {
		l.add(path+".max_clients", "applies only to account managers")
	}
	if c.MaxOpenTasks < 0 {
		l.add(path+".max_open_tasks", "must not be negative")
	} else if c.MaxOpenTasks > 0 && p.Role != connectors.RoleSpecialist {
		l.add(path+".max_open_tasks", "applies only to specialists")
	}
	if c.MaxUtilization < 0 || c.MaxUtilization > 1 {
		l.add(path+".max_utilization", "must be in (0, 1], not %g", c.MaxUtilization)
	} else if c.MaxUtilization > 0 && p.Role != connectors.RoleSpecialist {
		l.add(path+".max_utilization", "applies only to specialists")
	}
}

// week parses schedule lines, reporting a malformed line at its own index
// and an overlap between lines at the later line.
func (l *loader) week(path string, lines []string) (hours.Week, bool) {
	ok := true
	for i, line := range lines {
		if _, err := hours.ParseWeek([]string{line}); err != nil {
			l.add(field.Index(path, i), "%s", hoursLineErrRE.ReplaceAllString(err.Error(), ""))
			ok = false
		}
	}
	if !ok {
		return hours.Week{}, false
	}
	w, err := hours.ParseWeek(lines)
	if err != nil {
		at := path
		if m := hoursLineErrRE.FindStringSubmatch(err.Error()); m != nil {
			if n, convErr := strconv.Atoi(m[1]); convErr == nil && n >= 1 && n <= len(lines) {
				at = field.Index(path, n-1)
			}
		}
		l.add(at, "%s", hoursLineErrRE.ReplaceAllString(err.Error(), ""))
		return hours.Week{}, false
	}
	if w.IsEmpty() {
		l.add(path, "has no working time")
		return hours.Week{}, false
	}
	return w, true
}

// sortedKeys returns a map's keys as sorted strings, so problems come out
// in a stable order.
func sortedKeys[K ~string, V any](m map[K]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	slices.Sort(keys)
	return keys
}
