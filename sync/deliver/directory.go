package deliver

import (
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

// Directory is what delivery reads from the loaded configuration: people,
// clients with their own routes, calendars and the delivery block.
// *configs.Config implements it (configs cannot be imported here, since it
// imports this package for Config). The daemon passes a getter returning the
// current one, so that a reloaded configuration applies to the next call.
type Directory interface {
	// DeliveryConfig returns the delivery block.
	DeliveryConfig() Config
	// Person returns the person with id, or nil.
	Person(id string) *connectors.Person
	// Calendar returns the person's working-time calendar, or nil.
	Calendar(personID string) *hours.Calendar
	// DeliveryClient returns a client and its own routes (tried before the
	// global ones), or nil.
	DeliveryClient(id string) (*connectors.Client, []Route)
	// DeliveryPeople returns everyone, in file order.
	DeliveryPeople() []connectors.Person
	// AgencyLocale returns the agency's default language and time zone.
	AgencyLocale() (connectors.Language, *time.Location)
}
