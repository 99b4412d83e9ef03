package deliver_test

import (
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/sync/deliver"
)

func TestConfigIsADirectoryWithClientRoutes(t *testing.T) {
	cfg, err := configs.Load("../../configs/examples/agency.yaml", configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	var dir deliver.Directory = cfg
	c, routes := dir.DeliveryClient("brightpath")
	if c == nil || len(routes) != 1 || !routes[0].BypassWorkingHours {
		t.Fatalf("brightpath = %v with routes %+v; want its one bypass route", c, routes)
	}
	if lang, loc := dir.AgencyLocale(); lang == "" || loc == nil {
		t.Errorf("agency locale = %q, %v", lang, loc)
	}
}

func TestClientRoutesAreValidated(t *testing.T) {
	const doc = `
agency: {name: A, timezone: Europe/Kyiv}
people:
  - {id: anna, name: Anna, email: anna@a.example, role: account_manager, slack_user_id: U0ANNAAM01}
clients:
  - id: acme
    name: Acme
    account_manager: anna
    routes:
      - rule: nosuchrule
        recipients: [accountant]
`
	_, err := configs.Parse("agency.yaml", []byte(doc), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err == nil {
		t.Fatal("bad client routes accepted")
	}
	for _, want := range []string{"clients[0].routes[0].rule", "clients[0].routes[0].recipients[0]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems do not name %s:\n%v", want, err)
		}
	}
}
