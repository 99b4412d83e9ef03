package deliver

import (
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/workload"
)

// FieldAssignee is the finding field holding the Jira account id of the
// task's assignee, which the "assignee" recipient resolves through.
const FieldAssignee = "assignee_account_id"

// target is where a finding goes: concrete recipients (person ids or
// "channel:C..."), who it escalates to and after how much of the first
// recipient's working time.
type target struct {
	recipients    []string
	escalate      []string
	escalateAfter time.Duration
	bypass        bool
}

// matchRoute returns the first route for f: the client's routes, then the
// global ones. Without a match, findings go to the account manager.
func matchRoute(clientRoutes, global []Route, f rules.Finding) Route {
	for _, rs := range [][]Route{clientRoutes, global} {
		for _, r := range rs {
			if r.Rule != "" && r.Rule != f.Rule {
				continue
			}
			if r.Severity != "" && !strings.EqualFold(r.Severity, f.Severity.String()) {
				continue
			}
			return r
		}
	}
	return Route{Recipients: []string{RecipientAccountManager}}
}

// routeFinding resolves f's route against the directory. Recipients that
// cannot be resolved (no assignee field, a client without specialists) are
// skipped; the caller decides what an empty target means.
func routeFinding(dir Directory, f rules.Finding) target {
	client, clientRoutes := dir.DeliveryClient(f.ClientID)
	r := matchRoute(clientRoutes, dir.DeliveryConfig().Routes, f)
	t := target{
		recipients:    resolveRecipients(dir, client, f, r.Recipients),
		escalateAfter: r.EscalateAfter,
		bypass:        r.BypassWorkingHours && f.Severity == rules.SeverityCritical,
	}
	if len(t.recipients) == 0 && f.ClientID == "" {
		// A finding about the agency itself (a person's workload) has no
		// client and so no account manager: it belongs to the head, rather
		// than to nobody, whatever the routes say.
		t.recipients = resolveRecipients(dir, nil, f, []string{RecipientHead})
	}
	for _, e := range resolveRecipients(dir, client, f, r.EscalateTo) {
		if !contains(t.recipients, e) {
			t.escalate = append(t.escalate, e)
		}
	}
	return t
}

// resolveRecipients turns route recipient kinds into person ids and
// channels. On a finding with no client, account_manager resolves to the
// AM the finding names (workload.FieldAM: a workload finding for the AM of
// an overloaded specialist's clients), else to nobody.
func resolveRecipients(dir Directory, client *connectors.Client, f rules.Finding, kinds []string) []string {
	var out []string
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" && !contains(out, id) {
				out = append(out, id)
			}
		}
	}
	for _, k := range kinds {
		switch k {
		case RecipientAccountManager:
			if client != nil {
				add(client.AccountManager)
			} else if f.ClientID == "" {
				add(f.Fields[workload.FieldAM])
			}
		case RecipientAssignee:
			if acc := f.Fields[FieldAssignee]; acc != "" {
				for _, p := range dir.DeliveryPeople() {
					if p.JiraAccountID == acc {
						add(p.ID)
					}
				}
			}
		case RecipientSpecialists:
			if client != nil {
				add(client.Specialists...)
			}
		case RecipientHead:
			if client != nil && client.Head != "" {
				add(client.Head)
			} else {
				add(peopleWithRole(dir, connectors.RoleHead, true)...)
			}
		case RecipientFinance:
			add(peopleWithRole(dir, connectors.RoleFinance, false)...)
		default:
			if strings.HasPrefix(k, RecipientChannelPrefix) {
				add(k)
			}
		}
	}
	return out
}

// peopleWithRole returns the ids of people with role; with onlyOne it
// returns nothing unless exactly one person has it (the agency's one head).
func peopleWithRole(dir Directory, role connectors.Role, onlyOne bool) []string {
	var ids []string
	for _, p := range dir.DeliveryPeople() {
		if p.Role == role {
			ids = append(ids, p.ID)
		}
	}
	if onlyOne && len(ids) != 1 {
		return nil
	}
	return ids
}

func isChannel(recipient string) bool { return strings.HasPrefix(recipient, RecipientChannelPrefix) }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
