package deliver

import (
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
)

// TestDirectory is a Directory built in code, shaped like a loaded agency.yaml.
type TestDirectory struct {
	Cfg     Config
	People  []connectors.Person
	Clients map[string]*connectors.Client
	Routes  map[string][]Route
	Cals    map[string]*hours.Calendar
	Lang    connectors.Language
	Loc     *time.Location
}

func (d *TestDirectory) DeliveryConfig() Config { return d.Cfg }
func (d *TestDirectory) Person(id string) *connectors.Person {
	for i := range d.People {
		if d.People[i].ID == id {
			return &d.People[i]
		}
	}
	return nil
}
func (d *TestDirectory) Calendar(id string) *hours.Calendar { return d.Cals[id] }
func (d *TestDirectory) DeliveryClient(id string) (*connectors.Client, []Route) {
	return d.Clients[id], d.Routes[id]
}
func (d *TestDirectory) DeliveryPeople() []connectors.Person                 { return d.People }
func (d *TestDirectory) AgencyLocale() (connectors.Language, *time.Location) { return d.Lang, d.Loc }

func Kyiv(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func WorkCalendar(t testing.TB, loc *time.Location, holidays ...string) *hours.Calendar {
	t.Helper()
	w, err := hours.ParseWeek([]string{"mon-fri 09:00-18:00"})
	if err != nil {
		t.Fatal(err)
	}
	c := &hours.Calendar{Location: loc, Week: w}
	for _, h := range holidays {
		d, err := hours.ParseDate(h)
		if err != nil {
			t.Fatal(err)
		}
		c.Holidays = append(c.Holidays, d)
	}
	return c
}

// agency is a small agency whose people are the fake workspace's users:
// anna leads acme, sergey and pavel work on it, helen is the head.
func Agency(t testing.TB) *TestDirectory {
	loc := Kyiv(t)
	people := []connectors.Person{
		{ID: "anna", Name: "Anna", Role: connectors.RoleAccountManager, SlackUserID: slackfake.AMUserID, Language: connectors.LanguageEnglish},
		{ID: "helen", Name: "Helen", Role: connectors.RoleHead, SlackUserID: slackfake.HeadUserID, Language: connectors.LanguageEnglish},
		{ID: "sergey", Name: "Sergey", Role: connectors.RoleSpecialist, SlackUserID: slackfake.SEOUserID, JiraAccountID: "acc-sergey", Language: connectors.LanguageUkrainian},
		{ID: "pavel", Name: "Pavel", Role: connectors.RoleSpecialist, SlackUserID: slackfake.PPCUserID, JiraAccountID: "acc-pavel", Language: connectors.LanguageRussian},
	}
	cals := map[string]*hours.Calendar{}
	for _, p := range people {
		cals[p.ID] = WorkCalendar(t, loc)
	}
	return &TestDirectory{
		Cfg:    DefaultConfig(),
		People: people,
		Clients: map[string]*connectors.Client{
			"acme": {ID: "acme", Name: "Acme", AccountManager: "anna", Specialists: []string{"sergey", "pavel"}},
		},
		Routes: map[string][]Route{},
		Cals:   cals,
		Lang:   connectors.LanguageEnglish,
		Loc:    loc,
	}
}

func MakeFinding(rule, client, subject string, sev rules.Severity) rules.Finding {
	subj := rules.Subject{Kind: rules.SubjectTask, ID: subject, URL: "https://agency.atlassian.net/browse/" + subject}
	return rules.Finding{
		Key: rules.Key(rule, client, subj, "overdue"), Rule: rule, ClientID: client, Subject: subj,
		Severity: sev, Title: subject + " is overdue",
		Fields: map[string]string{"due": "2026-10-01", FieldAssignee: "acc-sergey"},
	}
}

// SetHook installs the crash hook: fn is called at each named stage of a
// send, and an error from it aborts Send there.
func SetHook(d *Deliverer, fn func(stage, key string) error) { d.hook = fn }

// Send stages, for SetHook.
const (
	StageBeforePost  = stageBeforePost
	StageAfterPost   = stageAfterPost
	StageAfterRecord = stageAfterRecord
)

// SetParked installs fn to be called each time Run is about to wait.
func SetParked(d *Deliverer, fn func(wait time.Duration)) { d.parked = fn }
