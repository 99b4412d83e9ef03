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
	// SheetsCreate creates a report spreadsheet, Drive files.create; its
	// steps are the Jira ones: before_create, after_create (Drive made
	// the file, its id not stored), after_store.
	SheetsCreate = "sheets.create"
	// SheetsWrite writes a report's layout and values (Sheets
	// spreadsheets.batchUpdate and values.batchUpdate).
	SheetsWrite = "sheets.write"
	// SheetsShare shares a report, Drive permissions.create.
	SheetsShare = "sheets.share"
	// ReportReady queues the "report ready" message of a report's final
	// run to the client's account manager.
	ReportReady = "report.ready"
)

// Steps of a Slack side effect.
const (
	// BeforePost is after the attempt is recorded, before the call.
	BeforePost = "before_post"
	// AfterPost is after Slack answered, before the store records it.
	AfterPost = "after_post"
	// AfterRecord is after the store recorded the message as sent (for
	// a report spreadsheet: what was written, or the grants).
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

// Steps of a report spreadsheet's write.
const (
	// BeforeWrite is before the layout and values are sent.
	BeforeWrite = "before_write"
	// AfterWrite is after Google stored them, before the store records
	// their hashes.
	AfterWrite = "after_write"
)

// Steps of a report spreadsheet's sharing.
const (
	// BeforeGrant is before Drive is asked for the wanted permissions.
	BeforeGrant = "before_grant"
	// AfterGrant is after Drive granted them, before the store records
	// the grants.
	AfterGrant = "after_grant"
)

// Steps of the "report ready" message.
const (
	// BeforeQueue is after the final run's spreadsheet is written, before
	// the message is queued.
	BeforeQueue = "before_queue"
	// AfterQueue is after the message is queued, before the period is
	// marked final.
	AfterQueue = "after_queue"
	// AfterMark is after the period is marked final.
	AfterMark = "after_mark"
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
	for _, k := range []string{JiraQuestion, JiraChecklist, SheetsCreate} {
		for _, s := range []string{BeforeCreate, AfterCreate, AfterStore} {
			out = append(out, Point{k, s})
		}
	}
	for _, s := range []string{BeforeWrite, AfterWrite, AfterRecord} {
		out = append(out, Point{SheetsWrite, s})
	}
	for _, s := range []string{BeforeGrant, AfterGrant, AfterRecord} {
		out = append(out, Point{SheetsShare, s})
	}
	for _, s := range []string{BeforeQueue, AfterQueue, AfterMark} {
		out = append(out, Point{ReportReady, s})
	}
	return out
}
