package engine

import (
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// Side is which side of the agency–client relationship wrote a message, as
// the rules read it.
type Side = rules.Side

// The sides.
const (
	SideUnknown = rules.SideUnknown
	SideClient  = rules.SideClient
	SideAgency  = rules.SideAgency
	SideBot     = rules.SideBot
)

// ClassifyAuthor says who wrote m, from the config alone: a configured
// person is agency-side; a listed contact of the channel's client, or a user
// of another workspace (Slack Connect), is client-side. Guests of our own
// workspace are not clients unless listed. The ingester resolves a missing
// team id through users.info before storing, so that this stays pure.
func ClassifyAuthor(cfg *configs.Config, m connectors.Message) (Side, string) {
	if m.Subtype == "bot_message" || m.UserID == "" {
		return SideBot, ""
	}
	if p := cfg.PersonBySlackID(m.UserID); p != nil {
		return SideAgency, p.ID
	}
	if c := cfg.Client(m.ClientID); c != nil {
		for _, ct := range c.Contacts {
			if ct.SlackUserID != "" && ct.SlackUserID == m.UserID {
				return SideClient, ""
			}
		}
	}
	if m.TeamID != "" && cfg.Agency.SlackTeamID != "" && m.TeamID != cfg.Agency.SlackTeamID {
		return SideClient, ""
	}
	return SideUnknown, ""
}
