package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/sheets"
)

// ClientGrants are who opens a client's report, as the engine's report
// runs share it: report.recipients and the contacts' emails as readers
// (with Drive's notification email) and the client's account manager as
// writer, who gets no Drive email: Liaison tells them in Slack.
func ClientGrants(people []connectors.Person, c connectors.Client) []sheets.Grant {
	var out []sheets.Grant
	for _, e := range c.Report.Recipients {
		out = append(out, sheets.Grant{Email: e, Role: sheets.RoleReader, Notify: true})
	}
	for _, ct := range c.Contacts {
		if ct.Email != "" {
			out = append(out, sheets.Grant{Email: ct.Email, Role: sheets.RoleReader, Notify: true})
		}
	}
	for _, p := range people {
		if p.ID == c.AccountManager && p.Email != "" {
			out = append(out, sheets.Grant{Email: p.Email, Role: sheets.RoleWriter})
		}
	}
	return dedupe(out)
}

// RoleGrants gives everyone with role the given access: finance people
// to the finance spreadsheet, heads to the ops spreadsheet.
func RoleGrants(people []connectors.Person, role connectors.Role, access string) []sheets.Grant {
	var out []sheets.Grant
	for _, p := range people {
		if p.Role == role && p.Email != "" {
			out = append(out, sheets.Grant{Email: p.Email, Role: access})
		}
	}
	return dedupe(out)
}

// dedupe keeps one grant per address, the stronger role and any
// notification winning.
func dedupe(gs []sheets.Grant) []sheets.Grant {
	var out []sheets.Grant
	for _, g := range gs {
		g.Email = strings.ToLower(strings.TrimSpace(g.Email))
		i := slices.IndexFunc(out, func(o sheets.Grant) bool { return o.Email == g.Email })
		if i < 0 {
			out = append(out, g)
			continue
		}
		if g.Role == sheets.RoleWriter {
			out[i].Role = sheets.RoleWriter
		}
		out[i].Notify = out[i].Notify || g.Notify
	}
	return out
}

// ClientKey is the target key of a client's report.
func ClientKey(clientID string) string { return "report/" + clientID }

// ClientProperties mark a client's report file in Drive.
func ClientProperties(clientID string) map[string]string {
	return map[string]string{"liaison_client": clientID}
}

// KindProperties mark an agency spreadsheet ("finance", "ops").
func KindProperties(kind string) map[string]string {
	return map[string]string{"liaison_kind": kind}
}

// ShareMessage is the short text of Drive's notification email, in the
// readers' language.
func ShareMessage(lang connectors.Language, title string) string {
	switch lang {
	case connectors.LanguageRussian:
		return fmt.Sprintf("Вам открыт доступ к таблице «%s». Она обновляется автоматически.", title)
	case connectors.LanguageUkrainian:
		return fmt.Sprintf("Вам відкрито доступ до таблиці «%s». Вона оновлюється автоматично.", title)
	}
	return fmt.Sprintf("You now have access to the spreadsheet “%s”. It updates itself.", title)
}
