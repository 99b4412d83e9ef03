package questions

import "testing"

func TestWhoAnswers(t *testing.T) {
	timur := Specialist{ID: "timur", SlackUserID: "U0TIMUR001"}
	iryna := Specialist{ID: "iryna", SlackUserID: "U0IRYNA001"}
	team := []Specialist{timur, iryna}
	const self = "1700000100.000000"
	tests := []struct {
		name   string
		text   string
		thread []ThreadMsg
		specs  []Specialist
		want   string
	}{
		{"mention", "<@U0IRYNA001> keywords?", nil, team, "iryna"},
		{"mention with label", "hi <@U0IRYNA001|iryna>", nil, team, "iryna"},
		{"first of two mentions", "<@U0IRYNA001> and <@U0TIMUR001>?", nil, team, "iryna"},
		{"mention beats thread", "<@U0TIMUR001> ok?", []ThreadMsg{{TS: "1700000050.000000", PersonID: "iryna"}}, team, "timur"},
		{"last specialist in thread", "and the budget?", []ThreadMsg{
			{TS: "1700000010.000000", PersonID: "timur"},
			{TS: "1700000050.000000", PersonID: "iryna"},
		}, team, "iryna"},
		// The AM wrote last, but the question is still about the specialist's work.
		{"thread where the AM spoke last", "thanks, and?", []ThreadMsg{
			{TS: "1700000050.000000", PersonID: "iryna"},
			{TS: "1700000090.000000", PersonID: "marat"},
		}, team, "iryna"},
		{"thread order is by ts, not slice order", "?", []ThreadMsg{
			{TS: "1700000050.000000", PersonID: "iryna"},
			{TS: "1700000010.000000", PersonID: "timur"},
		}, team, "iryna"},
		{"later replies do not count", "?", []ThreadMsg{{TS: "1700000200.000000", PersonID: "iryna"}}, team, "timur"},
		{"mention of a non-specialist falls back", "<@U0MARAT001> ?", nil, team, "timur"},
		{"first specialist", "when is the report?", nil, team, "timur"},
		{"none", "when?", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := WhoAnswers(tt.text, self, tt.thread, tt.specs)
			if ok != (tt.want != "") || got.ID != tt.want {
				t.Errorf("WhoAnswers = %q, %v; want %q", got.ID, ok, tt.want)
			}
		})
	}
}
