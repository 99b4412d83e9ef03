package field

import (
	"errors"
	"fmt"
	"testing"
)

func TestJoin(t *testing.T) {
	for _, tc := range []struct{ prefix, path, want string }{
		{"", "a", "a"},
		{"a", "", "a"},
		{"rules", "deadline", "rules.deadline"},
		{"routes", "[2]", "routes[2]"},
		{"clients[1].rules", "response.escalate_after", "clients[1].rules.response.escalate_after"},
	} {
		if got := Join(tc.prefix, tc.path); got != tc.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tc.prefix, tc.path, got, tc.want)
		}
	}
}

func TestListFlattenAndMerge(t *testing.T) {
	var inner List
	inner.Add("templates.ru", "bad %s", "template")
	inner.Add("", "block problem")
	var outer List
	outer.Merge("redirect", inner.Err())
	outer.Merge("plain", errors.New("helper failed"))
	got := Flatten(outer.Err())
	want := []Error{
		{Path: "redirect.templates.ru", Msg: "bad template"},
		{Path: "redirect", Msg: "block problem"},
		{Path: "plain", Msg: "helper failed"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if *got[i] != want[i] {
			t.Errorf("error %d = %+v, want %+v", i, *got[i], want[i])
		}
	}
	var empty List
	if empty.Err() != nil || Flatten(nil) != nil {
		t.Error("no problems must give nil")
	}
}

func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		ok   bool
	}{
		{"email", CheckEmail("anna@example.com"), true},
		{"email display name", CheckEmail("Anna <anna@example.com>"), false},
		{"email garbage", CheckEmail("anna"), false},
		{"url", CheckBaseURL("https://x.atlassian.net"), true},
		{"url loopback http", CheckBaseURL("http://127.0.0.1:8080/"), true},
		{"url relative", CheckBaseURL("x.atlassian.net"), false},
		{"url with credentials", CheckBaseURL("https://user:pw@x.atlassian.net"), false},
		{"slack user", CheckSlackUserID("U012AB3CD"), true},
		{"slack enterprise user", CheckSlackUserID("W012AB3CD"), true},
		{"slack user lowercase", CheckSlackUserID("u012ab3cd"), false},
		{"slack channel", CheckSlackChannelID("C012AB3CD"), true},
		{"slack private channel", CheckSlackChannelID("G012AB3CD"), true},
		{"slack channel name", CheckSlackChannelID("#general"), false},
		{"slack team", CheckSlackTeamID("T012AB3CD"), true},
		{"clock", CheckClock("09:30"), true},
		{"clock 24", CheckClock("24:00"), false},
		{"template", CheckTemplate("Hi {{.Name}}", struct{ Name string }{}), true},
		{"template unknown field", CheckTemplate("Hi {{.Nope}}", struct{ Name string }{}), false},
		{"template empty", CheckTemplate("", struct{}{}), false},
	} {
		if (tc.err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, tc.err, tc.ok)
		}
	}
	// Credentials in a URL must not be echoed.
	if err := CheckBaseURL("https://user:pw-SECRET@x"); err == nil || fmt.Sprint(err) != "must not carry credentials; use the token keys" {
		t.Errorf("CheckBaseURL with credentials = %v", err)
	}
}
