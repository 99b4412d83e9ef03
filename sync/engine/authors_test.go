package engine

import (
	"testing"

	"github.com/liaisonhq/liaison/rules/outofhours"
	"github.com/liaisonhq/liaison/rules/redirect"
	"github.com/liaisonhq/liaison/rules/response"
)

// The engine hands its Side to each rule by conversion; this keeps the
// four enumerations in step.
func TestSidesAgree(t *testing.T) {
	for _, c := range []struct {
		ours                Side
		redirect, resp, ooh uint8
	}{
		{SideUnknown, uint8(redirect.SideUnknown), uint8(response.SideUnknown), uint8(outofhours.SideUnknown)},
		{SideClient, uint8(redirect.SideClient), uint8(response.SideClient), uint8(outofhours.SideClient)},
		{SideAgency, uint8(redirect.SideAgency), uint8(response.SideAgency), uint8(outofhours.SideAgency)},
		{SideBot, uint8(redirect.SideBot), uint8(response.SideBot), uint8(outofhours.SideBot)},
	} {
		if uint8(c.ours) != c.redirect || uint8(c.ours) != c.resp || uint8(c.ours) != c.ooh {
			t.Errorf("side %d disagrees: redirect %d response %d outofhours %d", c.ours, c.redirect, c.resp, c.ooh)
		}
	}
}
