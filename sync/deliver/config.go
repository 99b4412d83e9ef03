// Package deliver turns findings into deliveries: it picks recipients by
// route, groups alerts, defers them to each recipient's working hours,
// repeats unresolved ones, escalates, and sends each exactly once across
// restarts.
package deliver

import (
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/rules"
)

// Recipient kinds a route can name; "channel:C123" names a Slack channel.
const (
	RecipientAccountManager = "account_manager"
	RecipientAssignee       = "assignee"
	RecipientSpecialists    = "specialists"
	RecipientHead           = "head"
	RecipientFinance        = "finance"
	// RecipientChannelPrefix starts a recipient that is a Slack channel id.
	RecipientChannelPrefix = "channel:"
)

// Config is the delivery block.
type Config struct {
	// GroupWait is how long the first alert for a recipient waits for others to join it.
	GroupWait time.Duration `yaml:"group_wait"`
	// GroupInterval is how long to wait before sending alerts added to a group already sent.
	GroupInterval time.Duration `yaml:"group_interval"`
	// RepeatInterval is how much of the recipient's working time passes before an unresolved alert is repeated.
	RepeatInterval time.Duration `yaml:"repeat_interval"`
	// DigestTime is when daily digests go out, "HH:MM" in the recipient's time zone; empty means the start of their working day.
	DigestTime string `yaml:"digest_time,omitempty"`
	// DryRun renders deliveries and logs them without sending anything.
	DryRun bool `yaml:"dry_run"`
	// Routes pick recipients per rule and severity; the first matching route wins. Without routes every alert goes to the account manager.
	Routes []Route `yaml:"routes,omitempty"`
}

// Route sends the findings of one rule (and severity) to recipients.
type Route struct {
	// Rule is the rule name (deadline, workload, redirect, response, questions, outofhours, faq, checklists); empty matches every rule.
	Rule string `yaml:"rule,omitempty"`
	// Severity is info, warning or critical; empty matches every severity.
	Severity string `yaml:"severity,omitempty" jsonschema:"enum=,enum=info,enum=warning,enum=critical"`
	// Recipients are account_manager, assignee, specialists, head, finance or "channel:C123".
	Recipients []string `yaml:"recipients" jsonschema:"minItems=1"`
	// EscalateTo receives the finding if it is still open after escalate_after (same values as recipients).
	EscalateTo []string `yaml:"escalate_to,omitempty"`
	// EscalateAfter is how much of the first recipient's working time passes before escalation.
	EscalateAfter time.Duration `yaml:"escalate_after,omitempty"`
	// BypassWorkingHours delivers this route's critical findings at once, even outside the recipients' working hours; other severities still wait.
	BypassWorkingHours bool `yaml:"bypass_working_hours,omitempty"`
}

// DefaultConfig returns the defaults: Alertmanager-like grouping, a daily
// repeat counted in working time, digests at the start of the working day.
func DefaultConfig() Config {
	return Config{GroupWait: 30 * time.Second, GroupInterval: 5 * time.Minute, RepeatInterval: 24 * time.Hour}
}

// Validate reports every invalid setting. Rule names are checked against
// the rules that exist by the loader, which knows them.
func (c Config) Validate() error {
	var l field.List
	if c.GroupWait < 0 {
		l.Add("group_wait", "must not be negative")
	}
	if err := field.CheckPositive(c.GroupInterval); err != nil {
		l.Add("group_interval", "%v", err)
	}
	if err := field.CheckPositive(c.RepeatInterval); err != nil {
		l.Add("repeat_interval", "%v", err)
	}
	if c.DigestTime != "" {
		if err := field.CheckClock(c.DigestTime); err != nil {
			l.Add("digest_time", "%v", err)
		}
	}
	for i, r := range c.Routes {
		p := field.Index("routes", i)
		if r.Severity != "" {
			if _, err := rules.ParseSeverity(r.Severity); err != nil {
				l.Add(p+".severity", "must be info, warning or critical, not %q", r.Severity)
			}
		}
		if len(r.Recipients) == 0 {
			l.Add(p+".recipients", "must name at least one recipient")
		}
		checkRecipients(&l, p+".recipients", r.Recipients)
		checkRecipients(&l, p+".escalate_to", r.EscalateTo)
		if len(r.EscalateTo) > 0 {
			if err := field.CheckPositive(r.EscalateAfter); err != nil {
				l.Add(p+".escalate_after", "is required with escalate_to: %v", err)
			}
		} else if r.EscalateAfter != 0 {
			l.Add(p+".escalate_after", "has no effect without escalate_to")
		}
		if r.BypassWorkingHours && r.Severity != "" && !strings.EqualFold(r.Severity, rules.SeverityCritical.String()) {
			l.Add(p+".bypass_working_hours", "applies to critical findings only, and this route matches %s", r.Severity)
		}
	}
	return l.Err()
}

func checkRecipients(l *field.List, path string, rs []string) {
	for i, r := range rs {
		switch r {
		case RecipientAccountManager, RecipientAssignee, RecipientSpecialists, RecipientHead, RecipientFinance:
			continue
		}
		if ch, ok := strings.CutPrefix(r, RecipientChannelPrefix); ok {
			if err := field.CheckSlackChannelID(ch); err != nil {
				l.Add(field.Index(path, i), "%v", err)
			}
			continue
		}
		l.Add(field.Index(path, i), "must be account_manager, assignee, specialists, head, finance or channel:C..., not %q", r)
	}
}
