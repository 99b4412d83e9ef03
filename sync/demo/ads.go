package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors/googleads/googleadsfake"
	"github.com/liaisonhq/liaison/connectors/sandbox"
)

// stoppedClient is the sample client whose Google Ads campaign stops
// serving the day before the demo day.
const stoppedClient = "acme-ua"

// seedAds gives the sample's Google Ads accounts steady days and their
// client's name as the account's descriptive name, and stops
// the first campaign of Acme Ukraine's account the day before start (a
// day in the accounts' zone, Europe/Berlin), so that the day opens with
// one "stopped serving" alert for its account manager.
func seedAds(sb *sandbox.Sandbox, start time.Time) error {
	stop := start.In(mustZone("Europe/Berlin")).AddDate(0, 0, -1).Format(time.DateOnly)
	for _, c := range sb.Scenario().Clients {
		login := strings.ReplaceAll(c.GoogleAds.LoginCustomerID, "-", "")
		if login == "" {
			login = sandbox.GoogleManagerID
		}
		for _, id := range c.GoogleAds.CustomerIDs {
			a := googleadsfake.Account{CustomerID: strings.ReplaceAll(id, "-", ""), Name: c.Name, Managers: []string{login}, Steady: true}
			if c.ID == stoppedClient {
				a.Stops = map[int]string{1: stop}
			}
			if err := sb.Ads().AddAccount(a); err != nil {
				return fmt.Errorf("seeding google ads account %s: %w", id, err)
			}
		}
	}
	return nil
}
