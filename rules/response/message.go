package response

import "github.com/liaisonhq/liaison/rules"

// Side, Msg and their helpers are shared by the client-communication rules;
// see package rules.
type (
	Side = rules.Side
	Msg  = rules.Msg
)

// The sides, as in package rules.
const (
	SideUnknown = rules.SideUnknown
	SideClient  = rules.SideClient
	SideAgency  = rules.SideAgency
	SideBot     = rules.SideBot
)

// ExcerptRunes is how much of a message's text a finding carries.
const ExcerptRunes = 300
