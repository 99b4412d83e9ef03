package questions

import (
	"fmt"
	"time"
)

// RuleName is the rule's name in findings, config and routes.
const RuleName = "questions"

// Label marks every question task in Jira, so people can filter for them.
const Label = "liaison-questions"

// ActionAskSpecialist is the action id of an "Ask specialist" button on a
// redirect alert; its value is the redirect finding's key. It lives here
// rather than in the engine so that delivery can render the button without
// importing the engine, which imports delivery.
const ActionAskSpecialist = "liaison_ask_specialist"

// Week names the ISO 8601 week that t falls in, read in loc (the account
// manager's zone): "2026-W49". A question forwarded late on Sunday in the
// AM's zone belongs to that week even when UTC has already moved on to
// Monday. A nil loc means UTC.
func Week(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	y, w := t.In(loc).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// BatchKey identifies the batch of one client's questions for one
// specialist in one week. It is both the store key of the batch's state and
// the Jira idempotency key of its task, so a retry after a crash finds the
// task instead of creating a second one.
func BatchKey(clientID, specialistID, week string) string {
	return "questions/" + clientID + "/" + specialistID + "/" + week
}
