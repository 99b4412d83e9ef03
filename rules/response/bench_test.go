package response

import (
	"fmt"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules/hours"
)

// benchInput is the reference load: 2,000 client channels with 25 messages
// each over the last two days (50,000 messages), a third of them thread
// replies, with 50 AMs in five zones. Roughly one conversation in four is
// left unanswered, so most channels have a run to time.
func benchInput(b *testing.B) (Input, time.Time) {
	zones := []string{"Europe/Kyiv", "America/New_York", "Asia/Almaty", "Europe/Berlin", "Australia/Sydney"}
	cals := make([]*hours.Calendar, 50)
	for i := range cals {
		cals[i] = officeCal(b, mustLoc(b, zones[i%len(zones)]), "2026-11-30", "2026-12-25")
	}
	const channels, perChannel = 2000, 25
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	start := now.Add(-48 * time.Hour)
	var in Input
	for c := range channels {
		ch := fmt.Sprintf("C%09d", c)
		in.Clients = append(in.Clients, Client{ID: fmt.Sprintf("client-%04d", c), Name: fmt.Sprintf("Client %d", c),
			Channels: []string{ch}, AM: fmt.Sprintf("am-%d", c%50), AMName: "AM", AMCalendar: cals[c%50], Config: DefaultConfig()})
		var parent Msg
		for n := range perChannel {
			at := start.Add(time.Duration(n*110+c%97) * time.Minute)
			var m Msg
			switch {
			case (n+c)%4 == 3 && n > perChannel-6:
				// Late in the channel, leave the client waiting.
				m = client(ch, at, "Any news on the report?")
			case n%2 == 0:
				m = client(ch, at, "Could you check the campaign budget?")
			default:
				m = agency(ch, at, "Sure, on it.")
			}
			if n%3 == 2 && parent.TS != "" {
				m = reply(parent, m)
			} else if n%5 == 0 {
				parent = m
			}
			in.Messages = append(in.Messages, m)
		}
	}
	// The engine hands messages over in store order, not sorted per channel.
	for i := range in.Messages {
		j := (i * 7919) % len(in.Messages)
		in.Messages[i], in.Messages[j] = in.Messages[j], in.Messages[i]
	}
	return in, now
}

// BenchmarkEvaluate: go test -run '^$' -bench . -benchmem ./rules/response/
func BenchmarkEvaluate(b *testing.B) {
	in, now := benchInput(b)
	var n int
	for b.Loop() {
		n = len(Evaluate(in, now))
	}
	b.ReportMetric(float64(n), "findings")
}

// BenchmarkNextDue measures the scheduling query over the same load.
func BenchmarkNextDue(b *testing.B) {
	in, now := benchInput(b)
	for b.Loop() {
		if _, ok := NextDue(in, now); !ok {
			b.Fatal("nothing pending")
		}
	}
}
