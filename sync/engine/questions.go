package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/questions"
	"github.com/liaisonhq/liaison/rules/redirect"
	"github.com/liaisonhq/liaison/sync/crashpoint"
	"github.com/liaisonhq/liaison/sync/store"
)

// IssueWriter creates and edits the question tasks in Jira; *jira.Client
// satisfies it. Its methods may be called from several goroutines.
type IssueWriter interface {
	// EnsureIssue creates the issue unless one with spec.IdempotencyKey
	// exists and returns its key; created reports whether this call created
	// it. An empty key with no error means nothing was written (dry run).
	EnsureIssue(ctx context.Context, spec jira.IssueSpec) (key string, created bool, err error)
	// EditIssue applies e to an existing issue.
	EditIssue(ctx context.Context, key string, e jira.IssueEdit) error
}

// Reaction is an emoji someone added to a message in a client's channel.
type Reaction struct {
	Channel string
	// ItemTS is the ts of the message reacted to.
	ItemTS string
	// UserID is the Slack member who reacted.
	UserID string
	// Reaction is the emoji name without colons; a skin tone suffix
	// ("::skin-tone-2") is ignored.
	Reaction string
}

// ErrNotForwardable is returned (wrapped with the reason) when an "Ask
// specialist" click cannot forward its message: the clicker is not the
// client's AM or head, the message is not a stored client message, Jira is
// not configured, the client has no Jira project or no specialist.
var ErrNotForwardable = errors.New("message cannot be forwarded as a question")

// Store keys besides the batches' own (questions.BatchKey), chosen so they
// cannot collide with a batch key whatever the client's id.
const (
	questionIndexKey = "questions-index" // the batches not yet announced
	questionMsgKey   = "questions-msg/"  // + channel/ts: the batch a message went to
	questionIssueTyp = "Task"
)

// Questions is the question queue: it adds the client messages an AM
// forwards (with the configured reaction, or the "Ask specialist" button of
// a redirect alert) to the batch of their client, specialist and week,
// and keeps the batch's Jira task in step with it. It is safe for
// concurrent use; updates of batches are serialised within the process, so
// that Jira sees them in order.
type Questions struct {
	e  *Engine
	w  IssueWriter
	mu sync.Mutex
}

// NewQuestions returns the question queue of e writing through w. A nil w
// (also a nil *jira.Client: Jira is not configured) makes forwarding a
// logged no-op.
func NewQuestions(e *Engine, w IssueWriter) *Questions {
	if w != nil {
		if v := reflect.ValueOf(w); v.Kind() == reflect.Pointer && v.IsNil() {
			w = nil
		}
	}
	return &Questions{e: e, w: w}
}

// questionBatchState is a batch as the store keeps it (JSON in report state).
type questionBatchState struct {
	ClientID     string               `json:"client"`
	SpecialistID string               `json:"specialist"`
	Week         string               `json:"week"`
	Project      string               `json:"project"`
	Questions    []questions.Question `json:"questions"`
	IssueKey     string               `json:"issue_key,omitempty"`
	// Synced is how many of Questions the task's description lists.
	Synced      int       `json:"synced"`
	AnnouncedAt time.Time `json:"announced_at,omitzero"`
}

type questionIndex struct {
	Open []string `json:"open"`
}

// OnReaction forwards the reacted message when the reaction is the
// client's configured one and the reactor is the client's AM or head.
// Anything else (another emoji, someone else, an agency-side message, a
// second reaction or a redelivered event) changes nothing and is no error.
// An error means the store or Jira failed; retrying the event is safe.
func (q *Questions) OnReaction(ctx context.Context, r Reaction) error {
	cfg := q.e.cfg()
	c := questionClient(cfg, r.Channel)
	if c == nil {
		return nil
	}
	emoji, _, _ := strings.Cut(r.Reaction, "::")
	if rc := cfg.ClientRules(c.ID).Questions; !rc.Enabled || emoji != rc.Reaction {
		return nil
	}
	key, why, err := q.forward(ctx, cfg, c, r.Channel, r.ItemTS, r.UserID)
	if err != nil {
		return fmt.Errorf("forwarding %s/%s as a question: %w", r.Channel, r.ItemTS, err)
	}
	if why != "" {
		q.e.log.Debug("reaction not forwarded as a question", "channel", r.Channel, "ts", r.ItemTS, "user", r.UserID, "why", why)
		return nil
	}
	q.e.log.Debug("question forwarded", "batch", key, "channel", r.Channel, "ts", r.ItemTS)
	return nil
}

// OnAskSpecialist forwards the client message of a redirect alert (the
// finding's channel and ts fields) when userID, who clicked "Ask
// specialist", is the client's AM or head. A refusal is an error matching
// ErrNotForwardable; an unknown finding one matching store.ErrNotFound.
func (q *Questions) OnAskSpecialist(ctx context.Context, findingKey, userID string) error {
	f, err := q.e.st.GetFinding(ctx, findingKey)
	if err != nil {
		return fmt.Errorf("asking a specialist about finding %q: %w", findingKey, err)
	}
	if f.Rule != redirect.RuleName {
		return fmt.Errorf("asking a specialist about finding %q: a %s finding, not a redirect: %w", findingKey, f.Rule, ErrNotForwardable)
	}
	channel, ts := f.Fields[redirect.FieldChannel], f.Fields[redirect.FieldTS]
	cfg := q.e.cfg()
	c := questionClient(cfg, channel)
	if c == nil || c.ID != f.ClientID {
		return fmt.Errorf("asking a specialist about %s/%s: not a channel of client %s: %w", channel, ts, f.ClientID, ErrNotForwardable)
	}
	if !cfg.ClientRules(c.ID).Questions.Enabled {
		return fmt.Errorf("asking a specialist about %s/%s: the questions rule is off for %s: %w", channel, ts, c.ID, ErrNotForwardable)
	}
	_, why, err := q.forward(ctx, cfg, c, channel, ts, userID)
	if err != nil {
		return fmt.Errorf("asking a specialist about %s/%s: %w", channel, ts, err)
	}
	if why != "" {
		return fmt.Errorf("asking a specialist about %s/%s: %s: %w", channel, ts, why, ErrNotForwardable)
	}
	return nil
}

// forward adds the message to its batch and brings the batch's task up to
// date. why is non-empty when the message is not forwarded, saying why.
func (q *Questions) forward(ctx context.Context, cfg *configs.Config, c *configs.Client, channel, ts, userID string) (key, why string, err error) {
	by := cfg.PersonBySlackID(userID)
	if by == nil || !(by.ID == c.AccountManager || by.ID == c.Head || (c.Head == "" && by.Role == connectors.RoleHead)) {
		return "", "forwarded by someone other than the client's account manager or head", nil
	}
	if q.w == nil {
		q.e.log.Info("question not forwarded: jira is not configured", "client", c.ID, "channel", channel, "ts", ts)
		return "", "jira is not configured", nil
	}
	if len(c.JiraProjects) == 0 {
		return "", "the client has no jira project", nil
	}
	m, err := q.e.st.GetMessage(ctx, channel, ts)
	if errors.Is(err, store.ErrNotFound) {
		return "", "the message is not stored", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("loading message: %w", err)
	}
	if m.Deleted {
		return "", "the message was deleted", nil
	}
	if side, _ := ClassifyAuthor(cfg, m); side != SideClient {
		return "", "not a client-side message", nil
	}
	var thread []questions.ThreadMsg
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		msgs, err := q.e.st.Thread(ctx, m.ChannelID, m.ThreadTS)
		if err != nil {
			return "", "", fmt.Errorf("loading thread %s: %w", m.ThreadTS, err)
		}
		for _, t := range msgs {
			side, p := ClassifyAuthor(cfg, t)
			if side == SideAgency {
				thread = append(thread, questions.ThreadMsg{TS: t.TS, PersonID: p})
			}
		}
	}
	spec, ok := questions.WhoAnswers(m.Text, m.TS, thread, questionSpecialists(cfg, c))
	if !ok {
		return "", "the client has no specialist", nil
	}
	now := q.e.clock.Now()
	week := questions.Week(now, cfg.Calendar(c.AccountManager).Location)
	question := questions.Question{Channel: m.ChannelID, TS: m.TS, Permalink: m.Permalink, Author: questionAuthor(c, m.UserID),
		Text: questions.CleanText(m.Text, questionNames(cfg, c)), AskedAt: m.Time(), ForwardedAt: now, ForwardedBy: by.ID}
	key, err = q.add(ctx, questions.BatchKey(c.ID, spec.ID, week), c, spec.ID, week, question)
	if err != nil {
		return "", "", err
	}
	// Pushing even when the message was already in a batch lets a
	// redelivered event retry a Jira write that failed the first time.
	if err := q.push(ctx, key); err != nil {
		return key, "", err
	}
	return key, "", nil
}

// add records question in the batch at base, or in a follow-up batch
// (base#2, #3...) when that one's task is already done: the specialist
// would not see a question added to a closed task. A message already in any
// batch is not added again; add then returns that batch's key.
func (q *Questions) add(ctx context.Context, base string, c *configs.Client, specialistID, week string, question questions.Question) (string, error) {
	var key string
	err := q.e.st.WithTx(ctx, func(tx store.Tx) error {
		var mark struct {
			Batch string `json:"batch"`
		}
		msgKey := questionMsgKey + question.Channel + "/" + question.TS
		found, err := getQuestionState(ctx, tx, msgKey, &mark)
		if err != nil {
			return err
		}
		if found {
			key = mark.Batch
			return nil
		}
		var s questionBatchState
		for part := 1; ; part++ {
			key = base
			if part > 1 {
				key = base + "#" + strconv.Itoa(part)
			}
			s = questionBatchState{}
			found, err := getQuestionState(ctx, tx, key, &s)
			if err != nil {
				return err
			}
			if !found {
				s = questionBatchState{ClientID: c.ID, SpecialistID: specialistID, Week: week, Project: c.JiraProjects[0]}
				if err := updateQuestionIndex(ctx, tx, func(open []string) []string { return append(open, key) }); err != nil {
					return err
				}
				break
			}
			closed, err := questionBatchClosed(ctx, tx, &s)
			if err != nil {
				return err
			}
			if !closed {
				break
			}
		}
		s.Questions = append(s.Questions, question)
		if err := putQuestionState(ctx, tx, key, s); err != nil {
			return err
		}
		mark.Batch = key
		return putQuestionState(ctx, tx, msgKey, mark)
	})
	if err != nil {
		return "", fmt.Errorf("adding the question to batch %s: %w", base, err)
	}
	return key, nil
}

// questionBatchClosed reports whether a batch takes no more questions: its answers
// were announced, or its task is done in the store.
func questionBatchClosed(ctx context.Context, tx store.Tx, s *questionBatchState) (bool, error) {
	if !s.AnnouncedAt.IsZero() {
		return true, nil
	}
	if s.IssueKey == "" {
		return false, nil
	}
	t, err := tx.GetTask(ctx, s.IssueKey)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("loading task %s: %w", s.IssueKey, err)
	}
	return t.StatusCategory == connectors.StatusCategoryDone, nil
}

// Flush brings every open batch's task up to date, for batches whose last
// Jira write failed. Run it periodically; it is cheap when nothing is
// pending.
func (q *Questions) Flush(ctx context.Context) error {
	if q.w == nil {
		return nil
	}
	var idx questionIndex
	if _, err := getQuestionState(ctx, q.e.st, questionIndexKey, &idx); err != nil {
		return err
	}
	var errs []error
	for _, key := range idx.Open {
		if err := q.push(ctx, key); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// push writes the batch's task: created with every question and the due
// date when it does not exist yet, its description replaced when it lacks
// some. Pushes are serialised so that a slower push never overwrites a
// newer description.
func (q *Questions) push(ctx context.Context, key string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	var s questionBatchState
	found, err := getQuestionState(ctx, q.e.st, key, &s)
	if err != nil || !found {
		return err
	}
	n := len(s.Questions)
	if n == 0 || (s.IssueKey != "" && s.Synced >= n) {
		return nil
	}
	cfg := q.e.cfg()
	b := questionBatch(cfg, &s)
	task := questions.Plan(b, cfg.ClientRules(s.ClientID).Questions.DueInDays)
	issueKey, edit := s.IssueKey, s.IssueKey != ""
	if issueKey == "" {
		crashpoint.At(crashpoint.JiraQuestion, crashpoint.BeforeCreate, key)
		k, created, err := q.w.EnsureIssue(ctx, jira.IssueSpec{Project: s.Project, IssueType: questionIssueTyp,
			Summary: task.Summary, Description: task.Description, Labels: task.Labels, DueDate: task.DueDate,
			AssigneeAccountID: b.Specialist.JiraAccountID, IdempotencyKey: key})
		if err != nil {
			return fmt.Errorf("creating the task of batch %s: %w", key, err)
		}
		if k == "" {
			q.e.log.Info("dry run: question task not created", "batch", key, "questions", n)
			return nil
		}
		issueKey, edit = k, !created
		crashpoint.At(crashpoint.JiraQuestion, crashpoint.AfterCreate, key)
	}
	if edit {
		if err := q.w.EditIssue(ctx, issueKey, jira.IssueEdit{Description: &task.Description}); err != nil {
			return fmt.Errorf("updating task %s of batch %s: %w", issueKey, key, err)
		}
	}
	err = q.e.st.WithTx(ctx, func(tx store.Tx) error {
		var cur questionBatchState
		if _, err := getQuestionState(ctx, tx, key, &cur); err != nil {
			return err
		}
		cur.IssueKey = issueKey
		cur.Synced = max(cur.Synced, n)
		return putQuestionState(ctx, tx, key, cur)
	})
	if err != nil {
		return fmt.Errorf("recording task %s of batch %s: %w", issueKey, key, err)
	}
	crashpoint.At(crashpoint.JiraQuestion, crashpoint.AfterStore, key)
	q.e.log.Info("question task updated", "batch", key, "task", issueKey, "questions", n)
	return nil
}

// RunQuestions tells the AM, once per batch, that the batch's task is done
// and its answers are ready to relay. The finding is recorded before the
// batch is marked announced; its key depends only on the task, so a crash
// between the two re-records an unchanged finding and alerts no one twice.
// A task reopened after the announcement is not announced again.
func (e *Engine) RunQuestions(ctx context.Context) error {
	var idx questionIndex
	if _, err := getQuestionState(ctx, e.st, questionIndexKey, &idx); err != nil {
		return err
	}
	cfg := e.cfg()
	now := e.clock.Now()
	var errs, drop []string
	for _, key := range idx.Open {
		var s questionBatchState
		found, err := getQuestionState(ctx, e.st, key, &s)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if !found || !s.AnnouncedAt.IsZero() {
			drop = append(drop, key)
			continue
		}
		if s.IssueKey == "" {
			continue
		}
		t, err := e.st.GetTask(ctx, s.IssueKey)
		if errors.Is(err, store.ErrNotFound) {
			continue // not pulled yet
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("loading task %s: %v", s.IssueKey, err))
			continue
		}
		if t.Deleted {
			e.log.Info("question task deleted in jira; its answers will not be announced", "batch", key, "task", t.Key)
			drop = append(drop, key)
			continue
		}
		if t.StatusCategory != connectors.StatusCategoryDone {
			continue
		}
		if cfg.Client(s.ClientID) == nil {
			continue // the client left the config; its findings would have no recipient
		}
		b := questionBatch(cfg, &s)
		url := ""
		if base := strings.TrimRight(cfg.Connections.Jira.BaseURL, "/"); base != "" {
			url = base + "/browse/" + t.Key
		}
		f := questions.AnswersReady(questions.Answered{ClientID: s.ClientID, TaskKey: t.Key, TaskURL: url,
			Specialist: b.Specialist, Week: s.Week, Questions: s.Questions}, now)
		if _, err := e.rec.Record(ctx, questions.RuleName, []rules.Finding{f}, nil, now); err != nil {
			errs = append(errs, fmt.Sprintf("recording answers of %s: %v", t.Key, err))
			continue
		}
		err = e.st.WithTx(ctx, func(tx store.Tx) error {
			var cur questionBatchState
			if _, err := getQuestionState(ctx, tx, key, &cur); err != nil {
				return err
			}
			cur.AnnouncedAt = now
			if err := putQuestionState(ctx, tx, key, cur); err != nil {
				return err
			}
			return updateQuestionIndex(ctx, tx, func(open []string) []string { return slices.DeleteFunc(open, func(k string) bool { return k == key }) })
		})
		if err != nil {
			errs = append(errs, fmt.Sprintf("marking batch %s announced: %v", key, err))
		}
	}
	if len(drop) > 0 {
		err := e.st.WithTx(ctx, func(tx store.Tx) error {
			return updateQuestionIndex(ctx, tx, func(open []string) []string {
				return slices.DeleteFunc(open, func(k string) bool { return slices.Contains(drop, k) })
			})
		})
		if err != nil {
			errs = append(errs, fmt.Sprintf("pruning the batch index: %v", err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("announcing answered questions: %s", strings.Join(errs, "; "))
	}
	return nil
}

// questionBatch describes a stored batch with the config in force; people who
// left the config are named by their id.
func questionBatch(cfg *configs.Config, s *questionBatchState) questions.Batch {
	b := questions.Batch{ClientName: s.ClientID, Week: s.Week, Questions: s.Questions,
		Specialist: questions.Specialist{ID: s.SpecialistID, Name: s.SpecialistID}}
	if c := cfg.Client(s.ClientID); c != nil {
		b.ClientName = c.Name
		if am := cfg.Person(c.AccountManager); am != nil {
			b.AMName = am.Name
		}
	}
	if p := cfg.Person(s.SpecialistID); p != nil {
		b.Specialist = questionSpecialist(cfg, p)
	}
	return b
}

func questionSpecialist(cfg *configs.Config, p *connectors.Person) questions.Specialist {
	return questions.Specialist{ID: p.ID, Name: p.Name, SlackUserID: p.SlackUserID, JiraAccountID: p.JiraAccountID,
		Language: p.Language, Calendar: cfg.Calendar(p.ID)}
}

func questionSpecialists(cfg *configs.Config, c *configs.Client) []questions.Specialist {
	out := make([]questions.Specialist, 0, len(c.Specialists))
	for _, id := range c.Specialists {
		if p := cfg.Person(id); p != nil {
			out = append(out, questionSpecialist(cfg, p))
		}
	}
	return out
}

func questionClient(cfg *configs.Config, channel string) *configs.Client {
	for i := range cfg.Clients {
		if slices.Contains(cfg.Clients[i].SlackChannels, channel) {
			return &cfg.Clients[i]
		}
	}
	return nil
}

// questionAuthor names a client-side author for the specialist: the contact's
// configured name, else their Slack id.
func questionAuthor(c *configs.Client, userID string) string {
	for _, ct := range c.Contacts {
		if ct.SlackUserID != "" && ct.SlackUserID == userID {
			return ct.Name
		}
	}
	return userID
}

// questionNames maps the Slack ids a client's message may mention to names.
func questionNames(cfg *configs.Config, c *configs.Client) map[string]string {
	names := make(map[string]string, len(cfg.People)+len(c.Contacts))
	for _, p := range cfg.People {
		if p.SlackUserID != "" {
			names[p.SlackUserID] = p.Name
		}
	}
	for _, ct := range c.Contacts {
		if ct.SlackUserID != "" {
			names[ct.SlackUserID] = ct.Name
		}
	}
	return names
}

func updateQuestionIndex(ctx context.Context, tx store.Tx, edit func(open []string) []string) error {
	var idx questionIndex
	if _, err := getQuestionState(ctx, tx, questionIndexKey, &idx); err != nil {
		return err
	}
	idx.Open = edit(idx.Open)
	slices.Sort(idx.Open)
	idx.Open = slices.Compact(idx.Open)
	return putQuestionState(ctx, tx, questionIndexKey, idx)
}

// getQuestionState decodes the report state at key into v; found is false when
// there is none.
func getQuestionState(ctx context.Context, st store.Reports, key string, v any) (found bool, err error) {
	s, err := st.GetReportState(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("loading %s: %w", key, err)
	}
	if err := json.Unmarshal(s.Data, v); err != nil {
		return false, fmt.Errorf("decoding %s: %w", key, err)
	}
	return true, nil
}

func putQuestionState(ctx context.Context, st store.Reports, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", key, err)
	}
	sum := sha256.Sum256(data)
	if _, err := st.PutReportState(ctx, store.ReportState{Key: key, Hash: hex.EncodeToString(sum[:]), Data: data}); err != nil {
		return fmt.Errorf("saving %s: %w", key, err)
	}
	return nil
}
