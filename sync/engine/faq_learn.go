package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/sync/store"
)

// The learning loop keeps what the answer base learned in the audit log:
// it is append-only, shared by every replica, and says who taught what
// and when. A forgotten phrasing is a later entry naming the learned one.
const (
	faqAuditLearned   = "faq.learned"
	faqAuditForgotten = "faq.forgotten"
	// learnedRefresh is how often the rule re-reads the learned
	// phrasings: another replica's clicks reach this one's matching
	// within it (this replica's own at once).
	learnedRefresh = time.Minute
)

// LearnedPhrasing is a phrasing the answer base learned from an account
// manager's click, as `liaison faq learned` lists it.
type LearnedPhrasing struct {
	// ID names it for `liaison faq forget` (the audit entry's id).
	ID int64 `json:"id"`
	// Time is when it was learned.
	Time time.Time `json:"time"`
	// By is who clicked, as the audit log names them ("slack:U123").
	By string `json:"by"`
	faq.Learned
}

type faqForgotten struct {
	ID int64  `json:"id"`
	By string `json:"by,omitempty"`
}

// Learned returns the phrasings the answer base has learned and not
// forgotten, oldest first.
func (f *FAQ) Learned(ctx context.Context) ([]LearnedPhrasing, error) {
	return LoadLearned(ctx, f.e.st)
}

// LoadLearned reads from st's audit log the phrasings the answer base
// has learned and not forgotten, oldest first: what Learned returns, for
// reading a stopped daemon's store.
func LoadLearned(ctx context.Context, st store.Audit) ([]LearnedPhrasing, error) {
	learned, err := st.ListAudit(ctx, store.AuditFilter{Action: faqAuditLearned})
	if err != nil {
		return nil, fmt.Errorf("loading learned phrasings: %w", err)
	}
	forgotten, err := st.ListAudit(ctx, store.AuditFilter{Action: faqAuditForgotten})
	if err != nil {
		return nil, fmt.Errorf("loading forgotten phrasings: %w", err)
	}
	gone := map[int64]bool{}
	for _, a := range forgotten {
		var fg faqForgotten
		if err := json.Unmarshal([]byte(a.Detail), &fg); err == nil {
			gone[fg.ID] = true
		}
	}
	out := make([]LearnedPhrasing, 0, len(learned))
	for _, a := range learned {
		if gone[a.ID] {
			continue
		}
		lp := LearnedPhrasing{ID: a.ID, Time: a.Time, By: a.Actor}
		if err := json.Unmarshal([]byte(a.Detail), &lp.Learned); err != nil {
			continue // not written by this code; nothing to learn from it
		}
		lp.Learned.ID = a.ID
		out = append(out, lp)
	}
	slices.SortFunc(out, func(a, b LearnedPhrasing) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Forget stops the answer base from using learned phrasing id, and the
// same message learned for the same entry again; by says who, for the
// audit log. An id that is not a learned phrasing, or one already
// forgotten, is store.ErrNotFound.
func (f *FAQ) Forget(ctx context.Context, id int64, by string) error {
	f.actMu.Lock()
	defer f.actMu.Unlock()
	ls, err := LoadLearned(ctx, f.e.st)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ls, func(l LearnedPhrasing) bool { return l.ID == id })
	if i < 0 {
		return fmt.Errorf("learned phrasing %d: %w", id, store.ErrNotFound)
	}
	// The same message learned again (a click retried after a crash)
	// would otherwise keep teaching what was forgotten.
	gone := ls[i]
	norm := faq.Normalize(gone.Text)
	for _, l := range ls {
		if l.ID != id && (l.Entry != gone.Entry || l.Lang != gone.Lang || faq.Normalize(l.Text) != norm) {
			continue
		}
		detail, err := json.Marshal(faqForgotten{ID: l.ID, By: by})
		if err != nil {
			return fmt.Errorf("encoding forgotten phrasing: %w", err)
		}
		if _, err := f.e.st.AppendAudit(ctx, store.AuditEntry{Time: f.e.clock.Now(), Actor: by, Action: faqAuditForgotten, Detail: string(detail)}); err != nil {
			return fmt.Errorf("forgetting learned phrasing %d: %w", l.ID, err)
		}
	}
	f.refreshLearned(ctx)
	return nil
}

// learn records what a click on sg taught: its message as a phrasing of
// the entry, or as a negative phrasing when the AM rejected it.
func (f *FAQ) learn(ctx context.Context, sg faqSuggestion, key, actor string, now time.Time) error {
	lr := faq.Learned{Entry: sg.Entry, Lang: sg.Lang, Not: sg.Rejected, Text: sg.Text, Client: sg.Client, Suggestion: key}
	detail, err := json.Marshal(lr)
	if err != nil {
		return fmt.Errorf("encoding learned phrasing: %w", err)
	}
	if _, err := f.e.st.AppendAudit(ctx, store.AuditEntry{Time: now, Actor: actor, Action: faqAuditLearned, Detail: string(detail)}); err != nil {
		return fmt.Errorf("recording learned phrasing of %s: %w", sg.Entry, err)
	}
	f.refreshLearned(ctx)
	return nil
}

// refreshLearned has the learned phrasings re-read and the index
// rebuilt now, in the background, so that the next message matches with
// what was just taught or forgotten.
func (f *FAQ) refreshLearned(ctx context.Context) {
	f.ixMu.Lock()
	f.lrnStale = true
	f.ixMu.Unlock()
	f.index(ctx, f.e.cfg())
}

// index returns the matcher for cfg with the learned phrasings (when
// rules.faq.learn is on). It is built here when there is none for cfg yet
// (the first message, a config reload hands out a new *configs.Config, or
// rules.faq.learn changed). When only the learned phrasings changed, the
// new index is built in the background and matching goes on with the
// current one meanwhile: building takes about a second with a few
// thousand learned phrasings, and clients' messages must not wait for
// it. A failure to read them is logged and matching goes on with those
// read before: a store hiccup must not stop suggestions.
func (f *FAQ) index(ctx context.Context, cfg *configs.Config) *faq.Index {
	f.ixMu.Lock()
	defer f.ixMu.Unlock()
	learn := cfg.FAQ != nil && cfg.Rules.FAQ.Learn
	now := f.e.clock.Now()
	if learn && (f.lrnStale || f.lrnChecked.IsZero() || now.Sub(f.lrnChecked) >= learnedRefresh || now.Before(f.lrnChecked)) {
		f.lrnChecked, f.lrnStale = now, false
		ls, err := LoadLearned(ctx, f.e.st)
		if err != nil {
			f.e.log.Warn("reading the answer base's learned phrasings; matching with those read before", "err", err)
		} else if ids := learnedIDs(ls); !slices.Equal(ids, f.lrnIDs) {
			f.lrnIDs, f.lrn = ids, make([]faq.Learned, len(ls))
			f.lrnGen++
			for i, l := range ls {
				f.lrn[i] = l.Learned
			}
		}
	}
	switch {
	case f.ix == nil || f.ixCfg != cfg || f.ixLearn != learn:
		var ls []faq.Learned
		if learn {
			ls = f.lrn
		}
		f.ix, f.ixCfg, f.ixLearn, f.ixGen = cfg.FAQ.IndexWith(ls), cfg, learn, f.lrnGen
	case learn && f.ixGen != f.lrnGen && !f.building:
		f.rebuild(cfg, f.lrn, f.lrnGen)
	}
	return f.ix
}

// rebuild builds cfg's index with the learned phrasings ls (read gen) in
// the background and puts it in place unless the config was reloaded
// meanwhile; phrasings read while it ran get a rebuild of their own right
// after. f.ixMu is held.
func (f *FAQ) rebuild(cfg *configs.Config, ls []faq.Learned, gen uint64) {
	f.building = true
	f.bg.Add(1)
	go func() {
		defer f.bg.Done()
		ix := cfg.FAQ.IndexWith(ls)
		f.ixMu.Lock()
		defer f.ixMu.Unlock()
		f.building = false
		if f.ixCfg != cfg || !f.ixLearn {
			return
		}
		f.ix, f.ixGen = ix, gen
		if f.lrnGen != gen {
			f.rebuild(cfg, f.lrn, f.lrnGen)
		}
	}()
}

func learnedIDs(ls []LearnedPhrasing) []int64 {
	ids := make([]int64, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	return ids
}
