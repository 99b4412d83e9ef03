package configs

import (
	"fmt"
	"reflect"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

// derived holds what the loader computes once so that callers never
// re-parse schedules or zones. Everything in it is read-only after Load.
type derived struct {
	people       map[string]*connectors.Person
	clients      map[string]*Client
	calendars    map[string]*hours.Calendar
	locations    map[string]*time.Location
	rules        map[string]*Rules
	windows      map[string][]hours.Window
	holidays     map[string][]hours.Date
	unconfigured []string
	featuresOff  []string
}

// RuleOverrides is a client's rules block as written. It is applied over a
// copy of the top-level rules when the config is loaded, so keys it does not
// mention inherit; read the result with Config.ClientRules.
type RuleOverrides struct {
	node *yaml.Node
}

// UnmarshalYAML keeps the block for the loader.
func (o *RuleOverrides) UnmarshalYAML(n *yaml.Node) error {
	c := *n
	o.node = &c
	return nil
}

// MarshalYAML writes the block back as it was written.
func (o RuleOverrides) MarshalYAML() (any, error) {
	if o.node == nil {
		return nil, nil
	}
	return o.node, nil
}

// IsZero reports whether the client overrides nothing.
func (o RuleOverrides) IsZero() bool { return o.node == nil }

// JSONSchemaAlias makes the schema describe a client's rules block as the
// top-level one.
func (RuleOverrides) JSONSchemaAlias() any { return Rules{} }

func (RuleOverrides) yamlShape() reflect.Type { return reflect.TypeOf(Rules{}) }

// Person returns the person with id, or nil.
func (c *Config) Person(id string) *connectors.Person {
	if c.d == nil {
		return nil
	}
	return c.d.people[id]
}

// PersonBySlackID returns the person whose Slack member id is id, or nil.
func (c *Config) PersonBySlackID(id string) *connectors.Person {
	if id == "" {
		return nil
	}
	for i := range c.People {
		if c.People[i].SlackUserID == id {
			return &c.People[i]
		}
	}
	return nil
}

// Client returns the client with id, or nil.
func (c *Config) Client(id string) *Client {
	if c.d == nil {
		return nil
	}
	return c.d.clients[id]
}

// Calendar returns the working-time calendar of a person (zone, weekly
// hours, holidays of their calendar, vacations), or nil for an unknown id.
// The calendar is shared: callers must not modify it.
func (c *Config) Calendar(personID string) *hours.Calendar {
	if c.d == nil {
		return nil
	}
	return c.d.calendars[personID]
}

// ClientLocation returns the time zone a client's due dates and exception
// windows are read in, or nil for an unknown id.
func (c *Config) ClientLocation(clientID string) *time.Location {
	if c.d == nil {
		return nil
	}
	return c.d.locations[clientID]
}

// ClientRules returns the rule settings in effect for a client: the
// top-level rules with the client's overrides applied. It returns nil for an
// unknown id. The value is shared: callers must not modify it.
func (c *Config) ClientRules(clientID string) *Rules {
	if c.d == nil {
		return nil
	}
	return c.d.rules[clientID]
}

// ClientWindows returns a client's exception windows, in which the client
// may talk to specialists directly.
func (c *Config) ClientWindows(clientID string) []hours.Window {
	if c.d == nil {
		return nil
	}
	return c.d.windows[clientID]
}

// ClientsOf returns the clients an account manager leads, in file order.
func (c *Config) ClientsOf(amID string) []*Client {
	var out []*Client
	for i := range c.Clients {
		if c.Clients[i].AccountManager == amID {
			out = append(out, &c.Clients[i])
		}
	}
	return out
}

// Unconfigured says, for each connection that is not in use, why: "jira:
// ${JIRA_API_TOKEN} is not set" or "slack: connections.slack has no
// credentials". The daemon logs these and skips those connectors.
func (c *Config) Unconfigured() []string {
	if c.d == nil {
		return nil
	}
	return append([]string(nil), c.d.unconfigured...)
}

// FeaturesOff says, for each optional secret that is not set in a
// connection that is otherwise configured, which feature is off: "jira:
// ${JIRA_WEBHOOK_SECRET} is not set: the Jira webhook (POST /jira/webhook)
// is off; ...". The connector itself runs.
func (c *Config) FeaturesOff() []string {
	if c.d == nil {
		return nil
	}
	return append([]string(nil), c.d.featuresOff...)
}

// RedactedYAML renders the effective configuration (defaults filled in) with
// every secret replaced by "<redacted>", for `liaison check-config` and
// support requests.
func (c *Config) RedactedYAML() ([]byte, error) {
	out, err := yaml.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("rendering config: %w", err)
	}
	return out, nil
}
