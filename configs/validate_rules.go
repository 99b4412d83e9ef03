package configs

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/configs/field"
)

// validator is what every rule, connection and delivery block implements.
type validator interface{ Validate() error }

// blocks names each rule's settings by its key in the rules block.
func (r *Rules) blocks() []struct {
	name string
	v    validator
} {
	return []struct {
		name string
		v    validator
	}{
		{"deadline", r.Deadline}, {"workload", r.Workload}, {"redirect", r.Redirect},
		{"response", r.Response}, {"questions", r.Questions}, {"outofhours", r.OutOfHours},
		{"faq", r.FAQ}, {"checklists", r.Checklists}, {"anomaly", r.Anomaly},
	}
}

// clone deep-copies r, so that a client's override cannot change the
// top-level settings or another client's through a shared map.
func (r *Rules) clone() (Rules, error) {
	data, err := yaml.Marshal(r)
	if err != nil {
		return Rules{}, fmt.Errorf("copying rules: %w", err)
	}
	var out Rules
	if err := yaml.Unmarshal(data, &out); err != nil {
		return Rules{}, fmt.Errorf("copying rules: %w", err)
	}
	return out, nil
}

func (l *loader) validateRules() {
	cfg := l.cfg
	global := map[string]bool{}
	for _, b := range cfg.Rules.blocks() {
		for _, fe := range field.Flatten(b.v.Validate()) {
			rel := field.Join(b.name, fe.Path)
			global[rel+"\x00"+fe.Msg] = true
			l.add(field.Join("rules", rel), "%s", fe.Msg)
		}
	}
	l.merge("delivery", cfg.Delivery.Validate())
	for i, r := range cfg.Delivery.Routes {
		if r.Rule != "" && !slices.Contains(RuleNames(), r.Rule) {
			l.add(field.Index("delivery.routes", i)+".rule", "no rule named %q (rules are %v)", r.Rule, RuleNames())
		}
	}

	for i := range cfg.Clients {
		c := &cfg.Clients[i]
		if cfg.d.clients[c.ID] != c {
			continue
		}
		if c.Rules.node == nil {
			cfg.d.rules[c.ID] = &cfg.Rules
			continue
		}
		path := field.Index("clients", i) + ".rules"
		eff, err := cfg.Rules.clone()
		if err == nil {
			err = c.Rules.node.Decode(&eff)
		}
		if err != nil {
			l.add(path, "applying overrides: %v", err)
			continue
		}
		// A problem the top-level block already has is reported once, there,
		// not again for every client that inherits it.
		for _, b := range eff.blocks() {
			for _, fe := range field.Flatten(b.v.Validate()) {
				rel := field.Join(b.name, fe.Path)
				if !global[rel+"\x00"+fe.Msg] {
					l.add(field.Join(path, rel), "%s", fe.Msg)
				}
			}
		}
		cfg.d.rules[c.ID] = &eff
	}
}

func (l *loader) validateConnections() {
	c := &l.cfg.Connections
	l.merge("connections.jira", c.Jira.Validate())
	l.merge("connections.slack", c.Slack.Validate())
	l.merge("connections.google", c.Google.Validate())
	if c.Slack.Configured() && l.cfg.Agency.SlackTeamID == "" {
		l.add("agency.slack_team_id", "is required with a Slack connection: it tells client-side users from the agency's")
	}
}

// recordUnconfigured notes, for each connection not in use, why.
func (l *loader) recordUnconfigured() {
	c := &l.cfg.Connections
	for _, conn := range []struct {
		name       string
		configured bool
	}{
		{"jira", c.Jira.Configured()},
		{"slack", c.Slack.Configured()},
		{"google", c.Google.Configured()},
	} {
		switch {
		case len(l.env.unset[conn.name]) > 0:
			l.cfg.d.unconfigured = append(l.cfg.d.unconfigured, describeUnset(conn.name, l.env.unset[conn.name]))
		case !conn.configured:
			l.cfg.d.unconfigured = append(l.cfg.d.unconfigured, conn.name+": connections."+conn.name+" has no credentials")
		}
	}
	l.cfg.d.featuresOff = l.env.featuresOff
}
