package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/rules/workload"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// ErrUnknownSuggestion is returned (wrapped) by FAQ.OnAction when the
// button's suggestion is not in the store.
var ErrUnknownSuggestion = errors.New("unknown faq suggestion")

// ErrNotClientsAM is returned (wrapped) by FAQ.OnAction when someone other
// than the client's AM or head clicks a suggestion's button.
var ErrNotClientsAM = errors.New("only the client's account manager or head may act on a faq suggestion")

// Store keys and audit actions of the faq rule.
const (
	faqSeenKey        = "faq/seen/"       // + channel/ts: the question was counted
	faqSuggestionKey  = "faq/suggestion/" // + suggestion key: what a button acts on
	faqFeedbackKey    = "faq/feedback/"   // + entry id: posted and rejected counts
	faqAuditUnmatched = "faq.unmatched"
	faqAuditPosted    = "faq.posted"
	faqAuditRejected  = "faq.rejected"
)

// ChannelMembers tells whether a Slack user is in a channel; the Slack
// connector implements it. It is called once per suggestion; an error
// makes the suggestion go by direct message.
type ChannelMembers interface {
	IsMember(ctx context.Context, channel, user string) (bool, error)
}

// FAQ is the faq rule: it matches client questions against the answer
// base, suggests the answer privately to the AM, posts it in the client's
// thread when the AM says so, and keeps the learning loop's data (match
// rate metrics, unmatched questions, feedback per entry, the phrasings
// learned from the AMs' clicks). It is safe for concurrent use.
type FAQ struct {
	e       *Engine
	members ChannelMembers

	questions *prometheus.CounterVec
	matched   *prometheus.CounterVec
	rejected  *prometheus.CounterVec
	posted    *prometheus.CounterVec

	actMu sync.Mutex // serialises actions: read-modify-write of suggestion and feedback
	ixMu  sync.Mutex // guards the index cache and the learned phrasings
	ixCfg *configs.Config
	ix    *faq.Index
	// ixLearn says whether ix holds the learned phrasings, ixGen which
	// read of them (lrnGen) it holds.
	ixLearn bool
	ixGen   uint64
	// lrn are the learned phrasings last read (lrnIDs their ids) at
	// lrnChecked, the lrnGen-th read that changed them; lrnStale asks for
	// a re-read after a click here.
	lrn        []faq.Learned
	lrnIDs     []int64
	lrnGen     uint64
	lrnChecked time.Time
	lrnStale   bool
	// building says a rebuild with newer learned phrasings runs in the
	// background (bg counts it) while matching goes on with ix.
	building bool
	bg       sync.WaitGroup
}

// NewFAQ returns the faq rule of e, registering its metrics with reg (nil:
// not exported). members may be nil: the AM is then taken to be in every
// channel of their clients, as the agency's setup requires.
func NewFAQ(e *Engine, reg prometheus.Registerer, members ChannelMembers) (*FAQ, error) {
	f := &FAQ{
		e:       e,
		members: members,
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liaison_faq_questions_total",
			Help: "Client questions and requests the faq rule considered, by detected language."}, []string{"lang"}),
		matched: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liaison_faq_matched_total",
			Help: "Client questions and requests that matched an answer-base entry above the threshold."}, []string{"entry"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liaison_faq_rejected_total",
			Help: "Suggestions the account manager marked \"Not this one\"."}, []string{"entry"}),
		posted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liaison_faq_posted_total",
			Help: "Suggested answers the account manager posted to the client."}, []string{"entry"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{f.questions, f.matched, f.rejected, f.posted} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("registering faq metrics: %w", err)
			}
		}
	}
	return f, nil
}

// faqEntry returns the answer-base entry id of cfg. Answers are looked up
// here rather than in the matcher's index, which a click may have just
// made stale: rebuilding it is for the next message to match, not for the
// AM waiting on a button.
func faqEntry(cfg *configs.Config, id string) (configs.FAQEntry, bool) {
	if cfg.FAQ != nil {
		for _, e := range cfg.FAQ.Entries {
			if e.ID == id {
				return e, true
			}
		}
	}
	return configs.FAQEntry{}, false
}

// faqSuggestion is what a suggestion's buttons act on.
type faqSuggestion struct {
	Entry    string              `json:"entry"`
	Client   string              `json:"client"`
	Channel  string              `json:"channel"`
	TS       string              `json:"ts"`
	ThreadTS string              `json:"thread_ts"`
	Lang     connectors.Language `json:"lang"`
	Score    float64             `json:"score"`
	// Text is the message without markup: what a click teaches the base.
	Text     string `json:"text,omitempty"`
	Posted   bool   `json:"posted,omitempty"`
	Rejected bool   `json:"rejected,omitempty"`
	// Learned says the click taught the answer base.
	Learned bool `json:"learned,omitempty"`
}

type faqFeedback struct {
	Posted   int `json:"posted"`
	Rejected int `json:"rejected"`
}

// OnMessage runs the faq rule on a client channel's message that has just
// been stored. Each question is counted once however often Slack delivers
// the event; a question caught up after downtime is counted and recorded
// but suggests nothing, since the AM has long answered it.
func (f *FAQ) OnMessage(ctx context.Context, m connectors.Message) error {
	cfg := f.e.cfg()
	c := cfg.Client(m.ClientID)
	if c == nil || m.Deleted || m.EditedTS != "" || cfg.FAQ == nil {
		return nil
	}
	rc := cfg.ClientRules(c.ID).FAQ
	if !rc.Enabled {
		return nil
	}
	if side, _ := ClassifyAuthor(cfg, m); side != SideClient {
		return nil
	}
	o := f.index(ctx, cfg).Assess(m.Text, c.Language, 1)
	if !o.Asks() {
		return nil
	}
	now := f.e.clock.Now()
	st := f.e.st
	first, err := st.PutReportState(ctx, store.ReportState{Key: faqSeenKey + m.ChannelID + "/" + m.TS, Hash: "seen"})
	if err != nil {
		return fmt.Errorf("marking question %s/%s: %w", m.ChannelID, m.TS, err)
	}
	if !first {
		return nil
	}
	lang := o.Lang
	f.questions.WithLabelValues(string(lang)).Inc()
	best, ok := o.Suggestion(rc.Threshold)
	if !ok {
		detail, err := json.Marshal(faq.Unmatched{ClientID: c.ID, Lang: lang, Text: faq.StripMarkup(m.Text), Terms: o.Terms, Time: m.Time()})
		if err != nil {
			return fmt.Errorf("encoding unmatched question: %w", err)
		}
		if _, err := st.AppendAudit(ctx, store.AuditEntry{Time: now, Actor: "engine", Action: faqAuditUnmatched, Detail: string(detail)}); err != nil {
			return fmt.Errorf("recording unmatched question %s/%s: %w", m.ChannelID, m.TS, err)
		}
		return nil
	}
	f.matched.WithLabelValues(best.EntryID).Inc()
	if now.Sub(m.Time()) > staleEvent {
		return nil
	}
	return f.suggest(ctx, cfg, c, m, lang, best, now)
}

func (f *FAQ) suggest(ctx context.Context, cfg *configs.Config, c *configs.Client, m connectors.Message,
	lang connectors.Language, best faq.Match, now time.Time) error {
	entry, _ := faqEntry(cfg, best.EntryID)
	answer, ok := entry.Answers[c.Language]
	if !ok {
		// Validation requires an answer in every client's language; a
		// base edited since is logged rather than guessed at.
		f.e.log.Warn("faq entry has no answer in the client's language", "entry", entry.ID, "client", c.ID, "lang", c.Language)
		return nil
	}
	am := cfg.Person(c.AccountManager)
	if am == nil {
		return fmt.Errorf("client %s: account manager %q is not configured", c.ID, c.AccountManager)
	}
	thread := m.ThreadTS
	if thread == "" {
		thread = m.TS
	}
	key := faq.SuggestionKey(m.ChannelID, m.TS)
	sg := faqSuggestion{Entry: entry.ID, Client: c.ID, Channel: m.ChannelID, TS: m.TS, ThreadTS: thread, Lang: lang, Score: best.Score, Text: faq.StripMarkup(m.Text)}
	if err := putJSON(ctx, f.e.st, faqSuggestionKey+key, sg); err != nil {
		return fmt.Errorf("saving suggestion %s: %w", key, err)
	}
	data := faq.TemplateData{Client: c.Name, AM: "<@" + am.SlackUserID + ">", AMName: am.Name,
		Question: faq.StripMarkup(m.Text), Answer: answer, EntryID: entry.ID, Score: int(best.Score*100 + 0.5)}
	text, blocks, err := faq.Suggestion(am.Language, key, data)
	if err != nil {
		return fmt.Errorf("rendering suggestion %s: %w", key, err)
	}
	r := deliver.Reply{Key: "faq-suggest/" + key, Text: text, Blocks: blocks}
	if f.amInChannel(ctx, m.ChannelID, am.SlackUserID) {
		r.Channel, r.User, r.ThreadTS = m.ChannelID, am.SlackUserID, thread
	} else {
		r.Person = am.ID
	}
	if cal := cfg.Calendar(am.ID); cal != nil {
		if next, ok := cal.NextWorking(now); ok && next.After(now) {
			r.NotBefore = next
		}
	}
	if _, err := f.e.rec.Record(ctx, faq.RuleName, nil, []deliver.Reply{r}, now); err != nil {
		return fmt.Errorf("recording suggestion %s: %w", key, err)
	}
	return nil
}

func (f *FAQ) amInChannel(ctx context.Context, channel, user string) bool {
	if user == "" {
		return false
	}
	if f.members == nil {
		return true
	}
	in, err := f.members.IsMember(ctx, channel, user)
	if err != nil {
		f.e.log.Warn("checking channel membership; suggesting by direct message", "channel", channel, "err", err)
		return false
	}
	return in
}

// OnAction handles a click on a suggestion's button: ActionPost posts the
// answer in the client's thread as the bot, naming the AM, exactly once
// per suggestion however often it is clicked; ActionReject records that
// the entry was wrong for this question. With rules.faq.learn on for the
// client, the base learns the message as a phrasing of the entry (posted)
// or a negative phrasing (rejected). It returns what should replace the
// suggestion in Slack: what was done, without the buttons (also for a
// click on a suggestion already settled). Other action ids are ignored.
func (f *FAQ) OnAction(ctx context.Context, actionID, value, userSlackID string) (FAQSettled, error) {
	if actionID != faq.ActionPost && actionID != faq.ActionReject {
		return FAQSettled{}, nil
	}
	cfg := f.e.cfg()
	now := f.e.clock.Now()
	f.actMu.Lock()
	defer f.actMu.Unlock()
	var sg faqSuggestion
	if err := getJSON(ctx, f.e.st, faqSuggestionKey+value, &sg); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return FAQSettled{}, fmt.Errorf("suggestion %q: %w", value, ErrUnknownSuggestion)
		}
		return FAQSettled{}, fmt.Errorf("loading suggestion %q: %w", value, err)
	}
	c := cfg.Client(sg.Client)
	if c == nil {
		return FAQSettled{}, fmt.Errorf("suggestion %q: client %s is no longer configured: %w", value, sg.Client, ErrUnknownSuggestion)
	}
	p := cfg.PersonBySlackID(userSlackID)
	if p == nil || (p.ID != c.AccountManager && p.ID != c.Head && p.Role != connectors.RoleHead) {
		return FAQSettled{}, fmt.Errorf("suggestion %q: %w", value, ErrNotClientsAM)
	}
	if sg.Posted || sg.Rejected {
		return f.settled(cfg, c, p, sg), nil
	}
	action := faqAuditRejected
	if actionID == faq.ActionPost {
		action = faqAuditPosted
		if err := f.post(ctx, cfg, c, sg, value, now); err != nil {
			return FAQSettled{}, err
		}
		sg.Posted = true
		f.posted.WithLabelValues(sg.Entry).Inc()
	} else {
		sg.Rejected = true
		f.rejected.WithLabelValues(sg.Entry).Inc()
	}
	// Learned before the suggestion is saved as acted on: a crash in
	// between lets the click be retried, and learning the same message
	// twice adds nothing (faq.WithLearned).
	if sg.Text != "" && cfg.ClientRules(c.ID).FAQ.Learn {
		if err := f.learn(ctx, sg, value, "slack:"+userSlackID, now); err != nil {
			return FAQSettled{}, err
		}
		sg.Learned = true
	}
	var fb faqFeedback
	if err := getJSON(ctx, f.e.st, faqFeedbackKey+sg.Entry, &fb); err != nil && !errors.Is(err, store.ErrNotFound) {
		return FAQSettled{}, fmt.Errorf("loading feedback of %s: %w", sg.Entry, err)
	}
	if sg.Posted {
		fb.Posted++
	} else {
		fb.Rejected++
	}
	if err := putJSON(ctx, f.e.st, faqFeedbackKey+sg.Entry, fb); err != nil {
		return FAQSettled{}, fmt.Errorf("saving feedback of %s: %w", sg.Entry, err)
	}
	if err := putJSON(ctx, f.e.st, faqSuggestionKey+value, sg); err != nil {
		return FAQSettled{}, fmt.Errorf("saving suggestion %q: %w", value, err)
	}
	if _, err := f.e.st.AppendAudit(ctx, store.AuditEntry{Time: now, Actor: "slack:" + userSlackID, Action: action, Detail: faqActedDetail(sg)}); err != nil {
		return FAQSettled{}, fmt.Errorf("auditing %s: %w", action, err)
	}
	return f.settled(cfg, c, p, sg), nil
}

// FAQSettled is what replaces a suggestion once it is acted on (Text
// empty: nothing does).
type FAQSettled struct {
	// Text is the notification fallback: what was done and learned.
	Text string
	// Blocks are the suggestion without its buttons, and that line.
	Blocks json.RawMessage
}

// settled renders sg's settled view in the language of p, who clicked.
// It is a courtesy: a failure to render is logged and shows nothing new.
func (f *FAQ) settled(cfg *configs.Config, c *configs.Client, p *connectors.Person, sg faqSuggestion) FAQSettled {
	entry, _ := faqEntry(cfg, sg.Entry)
	d := faq.TemplateData{Client: c.Name, AMName: p.Name, AM: "<@" + p.SlackUserID + ">", Question: sg.Text,
		Answer: entry.Answers[c.Language], EntryID: sg.Entry, Score: int(sg.Score*100 + 0.5)}
	text, blocks, err := faq.Settled(p.Language, d, sg.Posted, sg.Learned)
	if err != nil {
		f.e.log.Warn("rendering a settled faq suggestion", "entry", sg.Entry, "err", err)
		return FAQSettled{}
	}
	return FAQSettled{Text: text, Blocks: blocks}
}

func (f *FAQ) post(ctx context.Context, cfg *configs.Config, c *configs.Client, sg faqSuggestion, key string, now time.Time) error {
	entry, ok := faqEntry(cfg, sg.Entry)
	answer := entry.Answers[c.Language]
	if !ok || answer == "" {
		return fmt.Errorf("suggestion %q: entry %s has no answer in %s any more: %w", key, sg.Entry, c.Language, ErrUnknownSuggestion)
	}
	name := c.AccountManager
	mention := ""
	if am := cfg.Person(c.AccountManager); am != nil {
		name, mention = am.Name, "<@"+am.SlackUserID+">"
	}
	text, err := faq.PostText(c.Language, faq.TemplateData{Client: c.Name, AM: mention, AMName: name, Answer: answer, EntryID: sg.Entry})
	if err != nil {
		return fmt.Errorf("rendering answer for %q: %w", key, err)
	}
	// The outbox keys replies: a second click, or a retry after a crash
	// between this and saving the suggestion, adds nothing.
	r := deliver.Reply{Key: faqPostKey(key), Channel: sg.Channel, ThreadTS: sg.ThreadTS, Text: text}
	if _, err := f.e.rec.Record(ctx, faq.RuleName, nil, []deliver.Reply{r}, now); err != nil {
		return fmt.Errorf("recording answer for %q: %w", key, err)
	}
	return nil
}

// Candidates returns the unmatched client questions since then, grouped by
// similarity, that recurred at least rules.faq.candidate_min_count times:
// the weekly digest's proposals for the answer base (Candidate.Line formats
// one).
func (f *FAQ) Candidates(ctx context.Context, since time.Time) ([]faq.Candidate, error) {
	return f.e.faqCandidates(ctx, f.e.cfg(), since, time.Time{}, nil)
}

// faqCandidates groups the unmatched questions asked in [from, to) (to
// zero: up to now) by the clients in clients (nil: every client) and
// returns the groups of at least rules.faq.candidate_min_count.
func (e *Engine) faqCandidates(ctx context.Context, cfg *configs.Config, from, to time.Time, clients map[string]bool) ([]faq.Candidate, error) {
	entries, err := e.st.ListAudit(ctx, store.AuditFilter{Since: from, Until: to, Action: faqAuditUnmatched})
	if err != nil {
		return nil, fmt.Errorf("loading unmatched questions: %w", err)
	}
	qs := make([]faq.Unmatched, 0, len(entries))
	for _, a := range entries {
		var u faq.Unmatched
		if err := json.Unmarshal([]byte(a.Detail), &u); err != nil {
			e.log.Warn("skipping unreadable unmatched question", "audit_id", a.ID, "err", err)
			continue
		}
		if clients == nil || clients[u.ClientID] {
			qs = append(qs, u)
		}
	}
	return faq.GroupUnmatched(qs, cfg.Rules.FAQ.CandidateMinCount), nil
}

// headClients returns the clients headed by head (every client when the
// agency has one head).
func headClients(cfg *configs.Config, head string) map[string]bool {
	sole := soleHead(cfg)
	clients := map[string]bool{}
	for _, c := range cfg.Clients {
		if c.Head == head || sole {
			clients[c.ID] = true
		}
	}
	return clients
}

// digestCandidates returns the digest lines of the answer-base candidates
// from the clients headed by head in [from, to).
func (e *Engine) digestCandidates(ctx context.Context, cfg *configs.Config, head string, from, to time.Time) ([]string, error) {
	if cfg.FAQ == nil {
		return nil, nil
	}
	cs, err := e.faqCandidates(ctx, cfg, from, to, headClients(cfg, head))
	if err != nil {
		return nil, err
	}
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = c.Line()
	}
	return lines, nil
}

// digestLearned counts the learned phrasings ls (LoadLearned) taught in
// [from, to) by clicks on suggestions to the clients headed by head.
func digestLearned(cfg *configs.Config, ls []LearnedPhrasing, head string, from, to time.Time) workload.FAQLearned {
	var n workload.FAQLearned
	clients := headClients(cfg, head)
	for _, l := range ls {
		if !clients[l.Client] || l.Time.Before(from) || !l.Time.Before(to) {
			continue
		}
		if l.Not {
			n.Negatives++
		} else {
			n.Phrasings++
		}
	}
	return n
}

// Feedback returns how often an entry's suggestion was posted and rejected.
func (f *FAQ) Feedback(ctx context.Context, entryID string) (posted, rejected int, err error) {
	var fb faqFeedback
	if err := getJSON(ctx, f.e.st, faqFeedbackKey+entryID, &fb); err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, 0, fmt.Errorf("loading feedback of %s: %w", entryID, err)
	}
	return fb.Posted, fb.Rejected, nil
}

func getJSON(ctx context.Context, st store.Reports, key string, v any) error {
	s, err := st.GetReportState(ctx, key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(s.Data, v); err != nil {
		return fmt.Errorf("decoding %s: %w", key, err)
	}
	return nil
}

// putJSON stores v under key; the hash is the data itself (short records)
// so an unchanged record is not rewritten.
func putJSON(ctx context.Context, st store.Reports, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", key, err)
	}
	_, err = st.PutReportState(ctx, store.ReportState{Key: key, Hash: strconv.Quote(string(data)), Data: data})
	return err
}
