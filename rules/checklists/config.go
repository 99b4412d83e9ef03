// Package checklists is the rule that creates Jira tasks for the
// department's recurring work (onboarding, monthly routines) for each client
// on schedule; the deadline rule then covers them like any other task.
package checklists

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/connectors"
)

// ScheduleOnStart runs a checklist once, on the client's start_date.
const ScheduleOnStart = "on_start"

var (
	nameRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	specialtyRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	weekdays    = map[string]bool{"mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true}
)

// Config is the rules.checklists block.
type Config struct {
	// Enabled turns the rule on.
	Enabled bool `yaml:"enabled"`
	// Lists are the named checklists (lowercase names).
	Lists map[string]Checklist `yaml:"lists"`
	// Skip names checklists not to run; meant for a client's override.
	Skip []string `yaml:"skip,omitempty"`
}

// Checklist is one named list of recurring work, created as one Jira task
// per client and run with the items in its description.
type Checklist struct {
	// Items are the checklist's lines.
	Items []string `yaml:"items" jsonschema:"minItems=1"`
	// AssigneeRole is who the task goes to: account_manager, specialist, head or finance.
	AssigneeRole connectors.Role `yaml:"assignee_role" jsonschema:"enum=account_manager,enum=specialist,enum=head,enum=finance"`
	// Specialty narrows a specialist assignee to the client's specialist with this specialty (e.g. seo).
	Specialty string `yaml:"specialty,omitempty"`
	// DueOffsetDays is the task's due date in working days after it is created.
	DueOffsetDays int `yaml:"due_offset_days" jsonschema:"minimum=0"`
	// Schedule is "monthly:N" (day 1..28), "weekly:mon".."weekly:sun" or "on_start".
	Schedule string `yaml:"schedule"`
}

// DefaultConfig returns the defaults: on, with no checklists.
func DefaultConfig() Config {
	return Config{Enabled: true, Lists: map[string]Checklist{}}
}

// Validate reports every invalid checklist.
func (c Config) Validate() error {
	var l field.List
	names := make([]string, 0, len(c.Lists))
	for name := range c.Lists {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		cl := c.Lists[name]
		path := "lists." + name
		if !nameRE.MatchString(name) {
			l.Add(path, "checklist name must be lowercase letters, digits, '_' or '-'")
		}
		if len(cl.Items) == 0 {
			l.Add(path+".items", "must list at least one item")
		}
		for i, item := range cl.Items {
			if strings.TrimSpace(item) == "" {
				l.Add(field.Index(path+".items", i), "must not be empty")
			}
		}
		if !cl.AssigneeRole.Valid() {
			l.Add(path+".assignee_role", "must be account_manager, specialist, head or finance, not %q", cl.AssigneeRole)
		}
		if cl.Specialty != "" {
			if cl.AssigneeRole != connectors.RoleSpecialist {
				l.Add(path+".specialty", "applies only when assignee_role is specialist")
			} else if !specialtyRE.MatchString(cl.Specialty) {
				l.Add(path+".specialty", "must be lowercase, such as seo or ppc")
			}
		}
		if cl.DueOffsetDays < 0 {
			l.Add(path+".due_offset_days", "must not be negative")
		}
		if err := checkSchedule(cl.Schedule); err != "" {
			l.Add(path+".schedule", "%s", err)
		}
	}
	for i, name := range c.Skip {
		if _, ok := c.Lists[name]; !ok {
			l.Add(field.Index("skip", i), "no checklist named %q", name)
		}
	}
	return l.Err()
}

func checkSchedule(s string) string {
	const want = `must be "monthly:N" (N 1..28), "weekly:mon".."weekly:sun" or "on_start"`
	if s == ScheduleOnStart {
		return ""
	}
	kind, arg, ok := strings.Cut(s, ":")
	switch {
	case !ok:
	case kind == "monthly":
		if n, err := strconv.Atoi(arg); err == nil && n >= 1 && n <= 28 {
			return ""
		}
	case kind == "weekly":
		if weekdays[arg] {
			return ""
		}
	}
	return want + ", not " + strconv.Quote(s)
}
