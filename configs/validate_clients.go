package configs

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
	"github.com/liaisonhq/liaison/sync/deliver"
)

var (
	projectRE   = regexp.MustCompile(`^[A-Z][A-Z0-9_]+$`)
	currencyRE  = regexp.MustCompile(`^[A-Z]{3}$`)
	adsDashedRE = regexp.MustCompile(`^[0-9]{3}-[0-9]{3}-[0-9]{4}$`)
	adsPlainRE  = regexp.MustCompile(`^[0-9]{10}$`)
	domainRE    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$`)
)

// layoutDateTime is a fixed exception bound with a time of day.
const layoutDateTime = "2006-01-02 15:04"

func (l *loader) validateClients(agencyLoc *time.Location) {
	cfg := l.cfg
	var heads []string
	for _, p := range cfg.People {
		if p.Role == connectors.RoleHead && p.ID != "" {
			heads = append(heads, p.ID)
		}
	}
	projects := map[string]string{}
	channels := map[string]string{}
	for i := range cfg.Clients {
		c := &cfg.Clients[i]
		path := field.Index("clients", i)
		switch {
		case c.ID == "":
			l.add(path+".id", "is required")
		case !idRE.MatchString(c.ID):
			l.add(path+".id", "%q must be lowercase letters, digits, '.', '_' or '-'", c.ID)
		case cfg.d.clients[c.ID] != nil:
			l.add(path+".id", "duplicate client id %q", c.ID)
		default:
			cfg.d.clients[c.ID] = c
		}
		if strings.TrimSpace(c.Name) == "" {
			l.add(path+".name", "is required")
		}
		if c.Language != "" {
			l.language(path+".language", c.Language)
		} else {
			c.Language = cfg.Agency.Language
		}
		loc := agencyLoc
		if c.Timezone != "" {
			if zl, ok := l.location(path+".timezone", c.Timezone); ok {
				loc = zl
			}
		} else {
			c.Timezone = cfg.Agency.Timezone
		}
		if cfg.d.clients[c.ID] == c {
			cfg.d.locations[c.ID] = loc
		}
		l.validateTeam(path, c, heads)
		if c.StartDate != "" {
			l.date(path+".start_date", c.StartDate)
		}
		for j, key := range c.JiraProjects {
			jp := field.Index(path+".jira_projects", j)
			if !projectRE.MatchString(key) {
				l.add(jp, "%q is not a Jira project key (uppercase letters, digits, _)", key)
			} else if other, dup := projects[key]; dup {
				l.add(jp, "project %s is already listed at %s", key, other)
			} else {
				projects[key] = jp
			}
		}
		for j, ch := range c.SlackChannels {
			cp := field.Index(path+".slack_channels", j)
			if err := field.CheckSlackChannelID(ch); err != nil {
				l.add(cp, "%v", err)
			} else if other, dup := channels[ch]; dup {
				l.add(cp, "channel %s is already listed at %s", ch, other)
			} else {
				channels[ch] = cp
			}
		}
		l.validateContacts(path+".contacts", c.Contacts)
		l.validateGoogle(path, &c.Client)
		l.validateReport(path+".report", &c.Report)
		if c.Report.PostToClientChannel && len(c.SlackChannels) == 0 {
			l.add(path+".report.post_to_client_channel", "needs the client's slack_channels to post to")
		}
		l.validateBilling(path+".billing", &c.Billing)
		if ws, ok := l.windows(path+".exceptions", c.Exceptions, loc); ok && cfg.d.clients[c.ID] == c {
			cfg.d.windows[c.ID] = ws
		}
		l.validateClientRoutes(path, c.Routes)
	}
}

// validateClientRoutes checks a client's routes as delivery.routes are
// checked, reporting only the routes' own problems.
func (l *loader) validateClientRoutes(path string, routes []deliver.Route) {
	if len(routes) == 0 {
		return
	}
	dc := deliver.DefaultConfig()
	dc.Routes = routes
	for _, fe := range field.Flatten(dc.Validate()) {
		if strings.HasPrefix(fe.Path, "routes") {
			l.add(field.Join(path, fe.Path), "%s", fe.Msg)
		}
	}
	for i, r := range routes {
		if r.Rule != "" && !slices.Contains(RuleNames(), r.Rule) {
			l.add(field.Index(path+".routes", i)+".rule", "no rule named %q (rules are %v)", r.Rule, RuleNames())
		}
	}
}

// validateTeam checks the client's account manager, specialists and head,
// and fills in the head when the agency has exactly one.
func (l *loader) validateTeam(path string, c *Client, heads []string) {
	people := l.cfg.d.people
	switch am := c.AccountManager; {
	case am == "":
		l.add(path+".account_manager", "is required: every client has exactly one account manager")
	case people[am] == nil:
		l.add(path+".account_manager", "no person with id %q%s", am, l.nearestPerson(am))
	case people[am].Role != connectors.RoleAccountManager:
		l.add(path+".account_manager", "%s has role %s, not account_manager", am, people[am].Role)
	}
	seen := map[string]bool{}
	for j, id := range c.Specialists {
		sp := field.Index(path+".specialists", j)
		switch {
		case people[id] == nil:
			l.add(sp, "no person with id %q%s", id, l.nearestPerson(id))
		case people[id].Role != connectors.RoleSpecialist:
			l.add(sp, "%s has role %s, not specialist", id, people[id].Role)
		case seen[id]:
			l.add(sp, "%s is listed twice", id)
		}
		seen[id] = true
	}
	switch {
	case c.Head != "" && people[c.Head] == nil:
		l.add(path+".head", "no person with id %q%s", c.Head, l.nearestPerson(c.Head))
	case c.Head != "" && people[c.Head].Role != connectors.RoleHead:
		l.add(path+".head", "%s has role %s, not head", c.Head, people[c.Head].Role)
	case c.Head == "" && len(heads) == 1:
		c.Head = heads[0]
	case c.Head == "" && len(heads) > 1:
		l.add(path+".head", "is required: several people have role head (%s)", strings.Join(heads, ", "))
	}
}

func (l *loader) validateContacts(path string, contacts []connectors.Contact) {
	bySlack := map[string]bool{}
	for _, p := range l.cfg.People {
		bySlack[p.SlackUserID] = true
	}
	for j, ct := range contacts {
		cp := field.Index(path, j)
		if strings.TrimSpace(ct.Name) == "" {
			l.add(cp+".name", "is required")
		}
		if ct.Email == "" && ct.SlackUserID == "" {
			l.add(cp, "needs an email or a slack_user_id to be recognised")
		}
		if ct.Email != "" {
			if err := field.CheckEmail(ct.Email); err != nil {
				l.add(cp+".email", "%v", err)
			}
		}
		if ct.SlackUserID != "" {
			if err := field.CheckSlackUserID(ct.SlackUserID); err != nil {
				l.add(cp+".slack_user_id", "%v", err)
			} else if bySlack[ct.SlackUserID] {
				l.add(cp+".slack_user_id", "belongs to a person of the agency, not a client contact")
			}
		}
	}
}

// normalizeAdsID turns "123-456-7890" into "1234567890".
func normalizeAdsID(s string) (string, bool) {
	switch {
	case adsPlainRE.MatchString(s):
		return s, true
	case adsDashedRE.MatchString(s):
		return strings.ReplaceAll(s, "-", ""), true
	}
	return "", false
}

func (l *loader) validateGoogle(path string, c *connectors.Client) {
	ads := &c.GoogleAds
	seen := map[string]bool{}
	for j, id := range ads.CustomerIDs {
		ap := field.Index(path+".google_ads.customer_ids", j)
		norm, ok := normalizeAdsID(id)
		switch {
		case !ok:
			l.add(ap, "%q is not a Google Ads customer id (123-456-7890 or ten digits)", id)
		case seen[norm]:
			l.add(ap, "%s is listed twice", id)
		default:
			ads.CustomerIDs[j] = norm
		}
		seen[norm] = true
	}
	if ads.LoginCustomerID != "" {
		if norm, ok := normalizeAdsID(ads.LoginCustomerID); ok {
			ads.LoginCustomerID = norm
		} else {
			l.add(path+".google_ads.login_customer_id", "%q is not a Google Ads customer id (123-456-7890 or ten digits)", ads.LoginCustomerID)
		}
	}
	if ads.MonthlyBudget < 0 {
		l.add(path+".google_ads.monthly_budget", "must not be negative, not %g", ads.MonthlyBudget)
	}
	for j, prop := range c.SearchConsole.Properties {
		pp := field.Index(path+".search_console.properties", j)
		if msg := checkProperty(prop); msg != "" {
			l.add(pp, "%q %s", prop, msg)
		}
	}
}

// checkProperty accepts the two Search Console property forms.
func checkProperty(p string) string {
	if domain, ok := strings.CutPrefix(p, "sc-domain:"); ok {
		if !domainRE.MatchString(domain) {
			return "is not a domain property: want sc-domain:example.com"
		}
		return ""
	}
	u, err := url.Parse(p)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return `is not a property: want "https://example.com/" or "sc-domain:example.com"`
	}
	if !strings.HasSuffix(p, "/") {
		return "is a URL-prefix property and must end with a slash"
	}
	return ""
}

func (l *loader) validateReport(path string, r *connectors.Report) {
	for j, e := range r.Recipients {
		if err := field.CheckEmail(e); err != nil {
			l.add(field.Index(path+".recipients", j), "%v", err)
		}
	}
	switch r.Period {
	case "":
		r.Period = connectors.PeriodMonthly
	case connectors.PeriodMonthly, connectors.PeriodWeekly:
	default:
		l.add(path+".period", "must be monthly or weekly, not %q", r.Period)
	}
	switch {
	case r.FinalRunDay == 0:
		r.FinalRunDay = DefaultFinalRunDay
	case r.FinalRunDay < 1 || r.FinalRunDay > 28:
		l.add(path+".final_run_day", "must be a day 1..28, not %d", r.FinalRunDay)
	}
	if r.Weekday == "" {
		r.Weekday = DefaultReportWeekday
	} else if _, err := hours.ParseDay(r.Weekday); err != nil {
		l.add(path+".weekday", "must be mon, tue, wed, thu, fri, sat or sun, not %q", r.Weekday)
	}
}

func (l *loader) validateBilling(path string, b *connectors.Billing) {
	used := b.Retainer != 0 || b.AdsManagementFeePct != 0 || len(b.Rates.Roles) > 0 || len(b.Rates.People) > 0
	switch {
	case b.Currency == "" && used:
		l.add(path+".currency", "is required when billing has rates, a retainer or a fee")
	case b.Currency != "" && !currencyRE.MatchString(b.Currency):
		l.add(path+".currency", "%q is not an ISO 4217 code such as USD or UAH", b.Currency)
	}
	for _, role := range sortedKeys(b.Rates.Roles) {
		rp := path + ".rates.roles." + role
		if !connectors.Role(role).Valid() {
			l.add(rp, "unknown role %q", role)
		}
		if b.Rates.Roles[connectors.Role(role)] < 0 {
			l.add(rp, "must not be negative")
		}
	}
	for _, id := range sortedKeys(b.Rates.People) {
		rp := path + ".rates.people." + id
		if l.cfg.d.people[id] == nil {
			l.add(rp, "no person with id %q%s", id, l.nearestPerson(id))
		}
		if b.Rates.People[id] < 0 {
			l.add(rp, "must not be negative")
		}
	}
	if b.Retainer < 0 {
		l.add(path+".retainer", "must not be negative")
	}
	if b.AdsManagementFeePct < 0 || b.AdsManagementFeePct > 100 {
		l.add(path+".ads_management_fee_pct", "must be a percentage 0..100, not %g", b.AdsManagementFeePct)
	}
}

// windows turns exceptions into hours.Windows read in the client's zone.
func (l *loader) windows(path string, exs []connectors.Exception, loc *time.Location) ([]hours.Window, bool) {
	var out []hours.Window
	ok := true
	for j, ex := range exs {
		ep := field.Index(path, j)
		if strings.TrimSpace(ex.Name) == "" {
			l.add(ep+".name", "is required")
		}
		fixed := ex.From != "" || ex.To != ""
		switch {
		case fixed && ex.Recurring != "":
			l.add(ep, "give either from/to or recurring, not both")
			ok = false
		case ex.Recurring != "":
			r, err := hours.ParseRecurrence(ex.Recurring)
			if err != nil {
				l.add(ep+".recurring", "%v", err)
				ok = false
				continue
			}
			out = append(out, hours.Window{Name: ex.Name, Recurring: r})
		case !fixed:
			l.add(ep, "needs from and to, or recurring")
			ok = false
		default:
			from, okFrom := l.windowBound(ep+".from", ex.From, loc, false)
			to, okTo := l.windowBound(ep+".to", ex.To, loc, true)
			if okFrom && okTo && !to.After(from) {
				l.add(ep+".to", "must be after from")
				okTo = false
			}
			if !okFrom || !okTo {
				ok = false
				continue
			}
			out = append(out, hours.Window{Name: ex.Name, From: from, To: to})
		}
	}
	return out, ok
}

// windowBound parses "YYYY-MM-DD HH:MM" or a bare date; a bare date as the
// end of a window means the end of that day, so "to: 2026-03-02" includes
// the 2nd.
func (l *loader) windowBound(path, s string, loc *time.Location, end bool) (time.Time, bool) {
	if s == "" {
		l.add(path, "is required for a fixed window")
		return time.Time{}, false
	}
	if t, err := time.ParseInLocation(layoutDateTime, s, loc); err == nil {
		return t, true
	}
	d, err := hours.ParseDate(s)
	if err != nil {
		l.add(path, "%q is not \"YYYY-MM-DD HH:MM\" or \"YYYY-MM-DD\"", s)
		return time.Time{}, false
	}
	if end {
		d = d.AddDays(1)
	}
	return d.Start(loc), true
}

// nearestPerson is " (did you mean \"anna\"?)" for a person id close to id.
func (l *loader) nearestPerson(id string) string {
	ids := make([]string, 0, len(l.cfg.People))
	for _, p := range l.cfg.People {
		ids = append(ids, p.ID)
	}
	return field.DidYouMean(id, ids)
}
