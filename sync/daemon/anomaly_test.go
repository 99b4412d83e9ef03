package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/googleads/googleadsfake"
)

// TestSpendDropAlertsTheAMThenResolves is the anomaly issue's end-to-end
// check against the sandbox: Acme Ukraine's Google Ads account spends 60%
// less than usual on the last final day; its AM gets one alert when her
// working day starts, in her language; the next day is back to normal, so
// the finding resolves and the alert is updated in place.
func TestSpendDropAlertsTheAMThenResolves(t *testing.T) {
	// Wednesday 2 December, 06:00 in Kyiv: Tuesday is the newest final
	// day, and Anna works from 09:00.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC))
	account := googleadsfake.Account{CustomerID: "1234567890", Managers: []string{"9990000001"}, Steady: true,
		DayFactors: map[string]float64{"2026-12-01": 0.4}}
	if err := sb.Ads().AddAccount(account); err != nil {
		t.Fatal(err)
	}
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	dm := dmOf(t, app, app.cfg().Person("anna").SlackUserID)
	const headline = "Витрати впали на 6" // 61%: the fake rounds impressions
	if _, n := findPost(sb, dm, headline); n != 0 {
		t.Fatal("the alert was sent before the AM's working day")
	}

	clk.Set(time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)) // 09:00 in Kyiv
	if err := syncOnce(app); err != nil {
		t.Fatal(err)
	}
	post, n := findPost(sb, dm, headline)
	if n != 1 {
		t.Fatalf("%d spend alerts in the AM's DM, want 1", n)
	}
	body := post.Text + string(post.Blocks)
	for _, want := range []string{"акаунт Google Ads «Account 1234567890»", "Очікувалося", "UAH", "1\u00a0груд."} {
		if !strings.Contains(body, want) {
			t.Errorf("the alert lacks %q: %s", want, body)
		}
	}
	if at := connectors.SlackTime(post.TS); at.Before(time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("posted at %v, before the AM's working day", at)
	}

	// Wednesday spends as usual: on Thursday morning the finding resolves.
	clk.Set(time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC))
	for range 2 {
		if err := syncOnce(app); err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Second)
	}
	post, n = findPost(sb, dm, headline)
	if n != 1 {
		t.Fatalf("%d spend alerts after the spend recovered, want the same 1", n)
	}
	if post.Edited == nil || !strings.Contains(post.Text, ":white_check_mark:") {
		t.Errorf("the alert was not updated as resolved: %s", post.Text)
	}
}
