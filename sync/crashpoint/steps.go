package crashpoint

// EnvVar names the environment variable a crashpoints build reads.
const EnvVar = "LIAISON_CRASHPOINT"

// Kinds of side effect, the first part of a step's name.
const (
	// SlackPost is a top-level message (an alert), chat.postMessage.
	SlackPost = "slack.post"
	// SlackThread is a reply in a thread (a polite reply to a client, a
	// note under an alert), chat.postMessage with thread_ts.
	SlackThread = "slack.thread"
	// SlackEphemeral is a private note, chat.postEphemeral.
	SlackEphemeral = "slack.ephemeral"
	// SlackUpdate rewrites an earlier alert, chat.update.
	SlackUpdate = "slack.update"
	// JiraQuestion creates the weekly task of forwarded questions.
	JiraQuestion = "jira.question"
	// JiraChecklist creates a checklist task.
	JiraChecklist = "jira.checklist"
)

// Steps of a Slack side effect.
const (
	// BeforePost is after the attempt is recorded, before the call.
	BeforePost = "before_post"
	// AfterPost is after Slack answered, before the store records it.
	AfterPost = "after_post"
	// AfterRecord is after the store recorded the message as sent.
	AfterRecord = "after_record"
)

// Steps of a Jira side effect.
const (
	// BeforeCreate is before the issue is looked up and created.
	BeforeCreate = "before_create"
	// AfterCreate is after Jira created the issue, before its key is stored.
	AfterCreate = "after_create"
	// AfterStore is after the key is stored.
	AfterStore = "after_store"
)

// Point is one named step of one kind of side effect.
type Point struct {
	Kind, Step string
}

// Name is how LIAISON_CRASHPOINT names the point: kind.step.
func (p Point) Name() string { return p.Kind + "." + p.Step }

// All lists every crash point, in the order of a side effect's life.
func All() []Point {
	var out []Point
	for _, k := range []string{SlackPost, SlackThread, SlackEphemeral, SlackUpdate} {
		for _, s := range []string{BeforePost, AfterPost, AfterRecord} {
			out = append(out, Point{k, s})
		}
	}
	for _, k := range []string{JiraQuestion, JiraChecklist} {
		for _, s := range []string{BeforeCreate, AfterCreate, AfterStore} {
			out = append(out, Point{k, s})
		}
	}
	return out
}
