package questions

import (
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules"
)

// KindAnswersReady is the finding kind telling the AM that a batch's task
// is done and its answers are ready to relay.
const KindAnswersReady = "answers_ready"

// Keys of the answers-ready finding's Fields.
const (
	FieldTaskKey        = "task_key"
	FieldSpecialist     = "specialist"      // person id
	FieldSpecialistName = "specialist_name" // display name
	FieldWeek           = "week"
	// FieldQuestions lists the questions' permalinks, one numbered line
	// each, in the task's order ("channel/ts" when Slack gave no link).
	FieldQuestions = "questions"
)

// Answered is a batch whose Jira task is done.
type Answered struct {
	ClientID string
	TaskKey  string
	// TaskURL links to the task; empty when the Jira base URL is unknown.
	TaskURL    string
	Specialist Specialist
	Week       string
	Questions  []Question
}

// AnswersReady is the finding that tells the client's AM to relay the
// answers. Its key depends only on the client and the task, so recording
// it again (a retry after a crash) changes nothing.
func AnswersReady(a Answered, now time.Time) rules.Finding {
	subj := rules.Subject{Kind: rules.SubjectTask, ID: a.TaskKey, URL: a.TaskURL}
	lines := make([]string, 0, len(a.Questions))
	for i, q := range a.Questions {
		ref := q.Permalink
		if ref == "" {
			ref = q.Channel + "/" + q.TS
		}
		lines = append(lines, strconv.Itoa(i+1)+". "+ref)
	}
	return rules.Finding{
		Key:      rules.Key(RuleName, a.ClientID, subj, KindAnswersReady),
		Rule:     RuleName,
		ClientID: a.ClientID,
		Subject:  subj,
		Severity: rules.SeverityWarning,
		Title:    "Answers ready: " + a.TaskKey,
		Fields: map[string]string{
			FieldTaskKey:        a.TaskKey,
			FieldSpecialist:     a.Specialist.ID,
			FieldSpecialistName: a.Specialist.Name,
			FieldWeek:           a.Week,
			FieldQuestions:      strings.Join(lines, "\n"),
		},
		FirstSeen: now,
		LastSeen:  now,
	}
}
