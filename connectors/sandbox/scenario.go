package sandbox

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/connectors"
)

// Scenario is a seed for the sandbox: the agency, its people and clients,
// the Jira issues they work on and the Slack messages replayed while the
// sandbox runs. Dates and times in it are mostly relative ("+1d", "-2h",
// "today") and are resolved against the clock's reading when the sandbox is
// built, so that a scenario stays interesting whatever day it is run on.
// Build one with ParseScenario or SampleScenario; docs/SANDBOX.md describes
// the format.
type Scenario struct {
	// Agency describes the agency itself.
	Agency Agency `yaml:"agency"`
	// People are the agency's people; each becomes a Slack user of the
	// agency's team and, with a jira_account_id or as a specialist, a Jira
	// account.
	People []Person `yaml:"people"`
	// Clients are the agency's clients; each gets its Jira projects and a
	// Slack Connect channel shared with its contacts.
	Clients []Client `yaml:"clients"`
	// Issues are seeded into the Jira fake.
	Issues []Issue `yaml:"issues"`
	// Messages are posted into the Slack fake at their offsets, as people
	// typing them would, so their events reach a connected daemon.
	Messages []Message `yaml:"messages"`
	// Activity is what people do in Slack besides posting: edit or delete
	// a message, react to it, press a button on one Liaison posted. It is
	// replayed at its offsets, like messages.
	Activity []Activity `yaml:"activity,omitempty"`

	file  string
	nodes map[string]*yaml.Node
	// ids resolved once the whole scenario was read
	slackIDs map[string]string // person or contact id → Slack user id
	channels map[string]string // client id, channel name or id → channel id
	atOf     []time.Duration   // Messages[i].At parsed
	actAt    []time.Duration   // Activity[i].At parsed
}

// Agency is the scenario's agency block.
type Agency struct {
	// Name is the agency's name.
	Name string `yaml:"name"`
	// Timezone is an IANA zone, the default of people and clients.
	Timezone string `yaml:"timezone"`
	// Language is ru, uk or en; default en.
	Language connectors.Language `yaml:"language,omitempty"`
	// Slack is the agency's own Slack workspace.
	Slack Team `yaml:"slack,omitempty"`
	// Holidays are the agency's public holidays: dates (YYYY-MM-DD) or
	// days relative to today ("+3d").
	Holidays []Holiday `yaml:"holidays,omitempty"`
}

// Team is a Slack workspace.
type Team struct {
	// ID is the team id (T followed by at least eight uppercase letters or digits); generated when empty.
	ID string `yaml:"id,omitempty"`
	// Name is the workspace's display name.
	Name string `yaml:"name,omitempty"`
}

// Holiday is a public holiday.
type Holiday struct {
	// Date is YYYY-MM-DD, "today" or relative days such as "+3d".
	Date string `yaml:"date"`
	// Name says which holiday it is.
	Name string `yaml:"name,omitempty"`
}

// Person is a person of the agency, as in agency.yaml. slack_user_id and
// jira_account_id may be left out: the sandbox then makes them up.
type Person struct {
	connectors.Person `yaml:",inline"`
}

// Client is a client, as in agency.yaml, plus what the fakes need: the
// Slack channels to create and the client's own Slack workspace.
type Client struct {
	// ID is the client's stable identifier.
	ID string `yaml:"id"`
	// Name is the client's display name; the Jira projects are named after it.
	Name string `yaml:"name"`
	// Language is ru, uk or en; defaults to the agency's.
	Language connectors.Language `yaml:"language,omitempty"`
	// Timezone is an IANA zone for due dates and exception windows; defaults to the agency's.
	Timezone string `yaml:"timezone,omitempty"`
	// AccountManager is the id of the person leading the client.
	AccountManager string `yaml:"account_manager"`
	// Specialists are ids of the specialists working on the client.
	Specialists []string `yaml:"specialists,omitempty"`
	// Head is the id of the head of accounts for escalations.
	Head string `yaml:"head,omitempty"`
	// StartDate is YYYY-MM-DD or relative days ("-90d").
	StartDate string `yaml:"start_date,omitempty"`
	// JiraProjects are project keys created in the Jira fake.
	JiraProjects []string `yaml:"jira_projects,omitempty"`
	// SlackChannels are Slack Connect channels created in the Slack fake,
	// shared with the client's contacts.
	SlackChannels []Channel `yaml:"slack_channels,omitempty"`
	// SlackTeam is the client's own workspace, the default team of its contacts.
	SlackTeam Team `yaml:"slack_team,omitempty"`
	// Contacts are the client's people.
	Contacts []Contact `yaml:"contacts,omitempty"`
	// Exceptions are windows of direct contact with specialists; from and
	// to may be relative to the start ("-30m", "+1h").
	Exceptions []connectors.Exception `yaml:"exceptions,omitempty"`
	// GoogleAds is copied to the written config.
	GoogleAds connectors.GoogleAds `yaml:"google_ads,omitempty"`
	// SearchConsole is copied to the written config.
	SearchConsole connectors.SearchConsole `yaml:"search_console,omitempty"`
	// Report is copied to the written config.
	Report connectors.Report `yaml:"report,omitempty"`
	// Billing is copied to the written config.
	Billing connectors.Billing `yaml:"billing,omitempty"`
}

// Channel is a Slack channel of a client.
type Channel struct {
	// ID is C or G followed by at least eight uppercase letters or digits; generated when empty.
	ID string `yaml:"id,omitempty"`
	// Name is the channel's name; defaults to "ext-" and the client id.
	Name string `yaml:"name,omitempty"`
}

// Contact is a person on the client's side who is in Slack.
type Contact struct {
	// ID names the contact in messages' user and in <@id> mentions.
	ID string `yaml:"id"`
	// Name is the contact's display name.
	Name string `yaml:"name"`
	// Email is a bare address.
	Email string `yaml:"email,omitempty"`
	// SlackUserID is the contact's Slack id; generated when empty.
	SlackUserID string `yaml:"slack_user_id,omitempty"`
	// TeamID is the contact's workspace; defaults to the client's
	// slack_team. The agency's own team makes the contact a guest.
	TeamID string `yaml:"team_id,omitempty"`
	// IsStranger is Slack's is_stranger flag; default true for another team.
	IsStranger *bool `yaml:"is_stranger,omitempty"`
}

// Issue is a Jira issue to seed.
type Issue struct {
	// Key is "ACME-12"; the project's next number when empty.
	Key string `yaml:"key,omitempty"`
	// Project is a project key of some client.
	Project string `yaml:"project"`
	// Summary is the issue's title.
	Summary string `yaml:"summary"`
	// Description is plain text.
	Description string `yaml:"description,omitempty"`
	// Type is Task (default), Sub-task, Bug, Story or Epic.
	Type string `yaml:"type,omitempty"`
	// Status is To Do (default), In Progress, In Review or Done.
	Status string `yaml:"status,omitempty"`
	// Assignee and Reporter are person ids.
	Assignee string `yaml:"assignee,omitempty"`
	Reporter string `yaml:"reporter,omitempty"`
	// Due is YYYY-MM-DD, "today" or relative days ("+1d", "-3d", "+2w"),
	// read in the client's time zone.
	Due string `yaml:"due,omitempty"`
	// Estimate and Remaining are Jira durations ("8h", "1d 4h"; a day is 8h, a week 5d).
	Estimate  string `yaml:"estimate,omitempty"`
	Remaining string `yaml:"remaining,omitempty"`
	// Created and Updated are offsets from the start ("-3d", "-2h"); Updated defaults to now, Created to 14 days before Updated.
	Created string `yaml:"created,omitempty"`
	Updated string `yaml:"updated,omitempty"`
	// Labels are Jira labels.
	Labels []string `yaml:"labels,omitempty"`
}

// Message is a Slack message typed by a person or a client contact.
type Message struct {
	// ID names the message for thread_of.
	ID string `yaml:"id,omitempty"`
	// At is the offset from the start when it is posted: "+0", "+5m", "+1h30m".
	At string `yaml:"at"`
	// Channel is a client id (its first channel), a channel name or a channel id.
	Channel string `yaml:"channel"`
	// User is a person id or a client contact id.
	User string `yaml:"user"`
	// Text is the message; <@id> mentions of people and contacts become Slack mentions.
	Text string `yaml:"text"`
	// ThreadOf is the id of an earlier message this one replies to.
	ThreadOf string `yaml:"thread_of,omitempty"`
}

// Activity is one thing a person does in Slack besides posting a message.
// Exactly one of Edit, Delete, React and Press says what.
type Activity struct {
	// At is the offset from the start when it happens: "+5m".
	At string `yaml:"at"`
	// User is the person or contact id acting. Edit and Delete default to
	// the message's author, the only one Slack lets do them; React and
	// Press need it.
	User string `yaml:"user,omitempty"`
	// Edit is the id of an earlier scenario message whose text becomes Text.
	Edit string `yaml:"edit,omitempty"`
	// Text is the edited text; <@id> mentions become Slack mentions.
	Text string `yaml:"text,omitempty"`
	// Delete is the id of an earlier scenario message to delete.
	Delete string `yaml:"delete,omitempty"`
	// React is the id of an earlier scenario message to react to with Reaction.
	React string `yaml:"react,omitempty"`
	// Reaction is an emoji name without colons ("question").
	Reaction string `yaml:"reaction,omitempty"`
	// Press is the action id of a button on the latest message Liaison
	// posted In that carries it (liaison_ack, liaison_snooze,
	// liaison_ask_specialist, liaison_faq_post, liaison_faq_reject).
	Press string `yaml:"press,omitempty"`
	// In is where that message is: a person id (their direct messages with
	// Liaison), a client id, a channel name or id. Default: the user's
	// direct messages.
	In string `yaml:"in,omitempty"`
	// Containing, when set, picks only a message whose text contains it.
	Containing string `yaml:"containing,omitempty"`
}
