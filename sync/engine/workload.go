package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
	"github.com/liaisonhq/liaison/rules/redirect"
	"github.com/liaisonhq/liaison/rules/workload"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// RunWorkload evaluates the workload rule over everyone's open tasks. Its
// findings are state-based: a person back under every limit has theirs
// resolved. All open workload findings are in scope, since the rule judges
// people, not clients; turning the rule off resolves them all.
//
// An open finding whose only difference is in its clocked figures (the
// working hours left, workload.Clocked) is left as it is stored: it
// changes when what the AM acts on changes (workload.Same). When the store
// stamps its task writes and the reconciler is keyed, the run compares
// each finding, as the rule makes it, with a copy of the open ones kept in
// memory (workload_copy.go) instead of reading them, and holds only the
// changed ones.
func (e *Engine) RunWorkload(ctx context.Context) error {
	e.workload.run.Lock()
	defer e.workload.run.Unlock()
	cfg := e.cfg()
	now := e.clock.Now()
	if keyed, ok := e.rec.(KeyedReconciler); ok {
		if _, ok := e.st.(store.TaskLog); ok {
			return e.runWorkloadCopy(ctx, keyed, cfg, now)
		}
	}
	var (
		findings []rules.Finding
		ntasks   int
	)
	if err := e.workloadInput(ctx, cfg, func(in workload.Input, n int) {
		findings, ntasks = workload.Evaluate(in, now), n
	}); err != nil {
		return err
	}
	if !cfg.Rules.Workload.Enabled {
		findings = nil
	}
	if err := e.carryClocked(ctx, findings); err != nil {
		return err
	}
	res, err := e.rec.Reconcile(ctx, workload.RuleName, nil, findings, now)
	if err != nil {
		return fmt.Errorf("recording %d findings: %w", len(findings), err)
	}
	e.log.Debug("rule evaluated", "rule", workload.RuleName, "tasks", ntasks, "findings", len(findings),
		"new", res.New, "resolved", res.Resolved, "unrouted", res.Unrouted)
	return nil
}

// workloadInput calls fn with the workload rule's input over the open
// tasks (none while the rule is off) and their number; fn must not keep
// the tasks.
func (e *Engine) workloadInput(ctx context.Context, cfg *configs.Config, fn func(in workload.Input, ntasks int)) error {
	if !cfg.Rules.Workload.Enabled {
		fn(WorkloadInput(cfg, nil), 0)
		return nil
	}
	return e.withOpenTasks(ctx, cfg, func(tasks iter.Seq[*connectors.Task], n int) {
		in := WorkloadInput(cfg, nil)
		in.EachTask = tasks
		fn(in, n)
	})
}

// WorkloadInput builds the workload rule's input from the config in force.
// The limits are the top-level rules.workload block: the rule judges
// people, who may work for several clients, so per-client overrides of it
// do not apply.
func WorkloadInput(cfg *configs.Config, tasks []connectors.Task) workload.Input {
	in := workload.Input{Tasks: tasks, Config: cfg.Rules.Workload}
	for _, p := range cfg.People {
		in.People = append(in.People, workload.Person{ID: p.ID, Name: p.Name, Role: p.Role,
			JiraAccountID: p.JiraAccountID, Calendar: cfg.Calendar(p.ID), Capacity: p.Capacity})
	}
	for _, c := range cfg.Clients {
		in.Clients = append(in.Clients, workload.Client{ID: c.ID, Name: c.Name, AM: c.AccountManager,
			Specialists: c.Specialists, Projects: c.JiraProjects, StartDate: c.StartDate})
	}
	return in
}

// workloadDigestPrefix starts the outbox key of a digest and the store key
// remembering that it was queued.
const workloadDigestPrefix = "workload-digest/"

// digestCatchUp is how late a digest is still queued after its moment: a
// daemon down on Monday sends it on Monday evening, but not a Monday
// digest on Thursday, when the figures are stale and the next one is near.
const digestCatchUp = 24 * time.Hour

// RunWorkloadDigest queues the weekly workload digest of every head whose
// week has begun: from the first working moment of digest_day in the
// head's zone (after a vacation, the first day back) and for digestCatchUp
// after it. The digest covers the people of the clients the head is head
// of, with redirect counts for the seven days before the week began. Its
// key (head and ISO week of the week's first day) makes it go out once per
// week whatever the number of runs, restarts or replicas; a week the head
// never works in is skipped.
func (e *Engine) RunWorkloadDigest(ctx context.Context) error {
	cfg := e.cfg()
	wc := cfg.Rules.Workload
	wd, err := hours.ParseDay(wc.DigestDay)
	if !wc.Enabled || err != nil { // digest_day "" turns the digest off
		return nil
	}
	now := e.clock.Now()
	type due struct {
		head        *connectors.Person
		week        string
		start, send time.Time
	}
	var dues []due
	for i := range cfg.People {
		p := &cfg.People[i]
		if p.Role != connectors.RoleHead {
			continue
		}
		cal := cfg.Calendar(p.ID)
		if cal == nil {
			continue
		}
		week, start, send, ok := digestWeek(cal, wd, now)
		if !ok || now.Before(send) || !now.Before(send.Add(digestCatchUp)) {
			continue
		}
		if _, err := e.st.GetReportState(ctx, workloadDigestPrefix+p.ID+"/"+week); err == nil {
			continue
		}
		dues = append(dues, due{head: p, week: week, start: start, send: send})
	}
	if len(dues) == 0 {
		return nil
	}
	var loads []workload.Load
	if err := e.workloadInput(ctx, cfg, func(in workload.Input, _ int) { loads = workload.Measure(in, now) }); err != nil {
		return err
	}
	var errs []string
	// The learned phrasings are read once for every head's digest.
	var learnedAll []LearnedPhrasing
	if cfg.FAQ != nil && len(dues) > 0 {
		var err error
		if learnedAll, err = LoadLearned(ctx, e.st); err != nil {
			return fmt.Errorf("workload digests: %w", err)
		}
	}
	for _, d := range dues {
		from := d.start.AddDate(0, 0, -7)
		counts, err := e.weekCounts(ctx, cfg, from, d.start)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", d.head.ID, err))
			continue
		}
		candidates, err := e.digestCandidates(ctx, cfg, d.head.ID, from, d.start)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", d.head.ID, err))
			continue
		}
		learned := digestLearned(cfg, learnedAll, d.head.ID, from, d.start)
		loc := cfg.Calendar(d.head.ID).Location
		dg := workload.Digest{Language: d.head.Language, Week: d.week,
			From: hours.DateOf(from.In(loc)), To: hours.DateOf(d.start.In(loc)).AddDays(-1), FAQCandidates: candidates, FAQLearned: learned}
		team := teamOf(cfg, d.head.ID)
		for _, l := range loads {
			if team[l.Person] {
				dg.Lines = append(dg.Lines, workload.DigestLine{Load: l,
					Redirects: counts.redirects[l.Person], DirectReplies: counts.direct[l.Person],
					UnaddressedReplies: counts.unaddressed[l.Person]})
			}
		}
		text, blocks := dg.Render()
		key := workloadDigestPrefix + d.head.ID + "/" + d.week
		reply := deliver.Reply{Key: key, Person: d.head.ID, Text: text, Blocks: blocks, NotBefore: d.send}
		if _, err := e.rec.Record(ctx, workload.RuleName, nil, []deliver.Reply{reply}, now); err != nil {
			errs = append(errs, fmt.Sprintf("%s: queueing: %v", d.head.ID, err))
			continue
		}
		// Remembered only so later runs skip the work; the outbox key is
		// what keeps the digest single if this write is lost.
		if _, err := e.st.PutReportState(ctx, store.ReportState{Key: key, Hash: "queued", Data: json.RawMessage(`{}`)}); err != nil {
			errs = append(errs, fmt.Sprintf("%s: remembering: %v", d.head.ID, err))
		}
		e.log.Debug("workload digest queued", "head", d.head.ID, "week", d.week, "people", len(dg.Lines))
	}
	if len(errs) > 0 {
		return fmt.Errorf("workload digest: %s", strings.Join(errs, "; "))
	}
	return nil
}

// digestWeek returns the digest week now is in for a calendar: its name
// (ISO week of its first day), the instant it began (00:00 of the latest
// digest day in the calendar's zone) and the first working moment from
// then. ok is false when that moment falls in the next week or never
// comes: the head does not work that week.
func digestWeek(cal *hours.Calendar, wd time.Weekday, now time.Time) (week string, start, send time.Time, ok bool) {
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	today := hours.DateOf(now.In(loc))
	first := today.AddDays(-((int(today.Weekday()) - int(wd) + 7) % 7))
	start = first.Start(loc)
	send, ok = cal.NextWorking(start)
	if !ok || !send.Before(first.AddDays(7).Start(loc)) {
		return "", time.Time{}, time.Time{}, false
	}
	y, w := first.Start(time.UTC).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w), start, send, true
}

// teamOf returns the AMs and specialists of the clients headed by head. An
// agency with one head also gets everyone without a client.
func teamOf(cfg *configs.Config, head string) map[string]bool {
	team := map[string]bool{}
	for _, c := range cfg.Clients {
		if c.Head != head {
			continue
		}
		team[c.AccountManager] = true
		for _, s := range c.Specialists {
			team[s] = true
		}
	}
	if soleHead(cfg) {
		for _, p := range cfg.People {
			if p.Role == connectors.RoleAccountManager || p.Role == connectors.RoleSpecialist {
				team[p.ID] = true
			}
		}
	}
	return team
}

// soleHead reports whether the agency has one head, who then heads every
// client and every person.
func soleHead(cfg *configs.Config) bool {
	heads := 0
	for _, p := range cfg.People {
		if p.Role == connectors.RoleHead {
			heads++
		}
	}
	return heads == 1
}

// weekActivity counts, per person id, the redirects and direct replies of
// a week: an AM gets those on their clients, a specialist those naming them.
type weekActivity struct {
	redirects, direct map[string]int
	// unaddressed counts specialists answering client messages that
	// addressed no specialist: direct contact all the same.
	unaddressed map[string]int
}

// weekCounts counts redirect findings first seen in [from, to) (open ones:
// a redirect finding stays open until acknowledged, so an acknowledged one
// is not counted) and specialists' direct replies in the clients' channels
// from the stored messages of that week.
func (e *Engine) weekCounts(ctx context.Context, cfg *configs.Config, from, to time.Time) (weekActivity, error) {
	a := weekActivity{redirects: map[string]int{}, direct: map[string]int{}, unaddressed: map[string]int{}}
	fs, err := e.st.ListOpenFindings(ctx, store.FindingFilter{Rule: redirect.RuleName})
	if err != nil {
		return a, fmt.Errorf("loading redirects: %w", err)
	}
	for _, f := range fs {
		if f.FirstSeen.Before(from) || !f.FirstSeen.Before(to) {
			continue
		}
		if c := cfg.Client(f.ClientID); c != nil {
			a.redirects[c.AccountManager]++
		}
		for _, s := range strings.Split(f.Fields[redirect.FieldSpecialist], ", ") {
			if s != "" {
				a.redirects[s]++
			}
		}
	}
	var channels []string
	owner := map[string]string{}
	for _, c := range cfg.Clients {
		channels = append(channels, c.SlackChannels...)
		for _, ch := range c.SlackChannels {
			owner[ch] = c.ID
		}
	}
	if len(channels) == 0 {
		return a, nil
	}
	msgs, err := e.st.ListMessages(ctx, store.MessageFilter{ChannelIDs: channels, SinceTS: slackTS(from.Add(-time.Microsecond))})
	if err != nil {
		return a, fmt.Errorf("loading messages: %w", err)
	}
	byClient := map[string][]redirect.Msg{}
	until := slackTS(to)
	for _, m := range msgs {
		if m.TS >= until || m.Deleted {
			continue
		}
		side, person := ClassifyAuthor(cfg, m)
		byClient[owner[m.ChannelID]] = append(byClient[owner[m.ChannelID]], redirectMsg(cfg, m, side, person))
	}
	for i := range cfg.Clients {
		c := &cfg.Clients[i]
		ms := byClient[c.ID]
		if len(ms) == 0 {
			continue
		}
		for _, d := range redirect.DirectReplies(redirectClient(cfg, c), ms) {
			count := a.unaddressed
			if d.Redirected {
				count = a.direct
			}
			count[d.Specialist]++
			count[c.AccountManager]++
		}
	}
	return a, nil
}
