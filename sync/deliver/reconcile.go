package deliver

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

// ReconcileResult counts what one Reconcile did.
type ReconcileResult struct {
	New, Changed, Reopened, Unchanged int
	// Resolved counts open findings of the rule (in scope) not emitted.
	Resolved int
	// Planned counts notifications planned (recipients and escalations).
	Planned int
	// Unrouted counts findings no recipient could be found for.
	Unrouted int
}

// Reconcile is the rule runner's entry point. In one transaction it records
// every finding rule emitted at now, resolves the rule's open findings that
// it did not emit (only those of clients, when clients is not empty: the
// clients the run evaluated), and plans the notifications all of this calls
// for. A crash therefore never leaves a finding recorded without its
// notifications, or the reverse.
func (d *Deliverer) Reconcile(ctx context.Context, rule string, clients []string, findings []rules.Finding, now time.Time) (ReconcileResult, error) {
	return d.reconcile(ctx, rule, clients, findings, nil, true, nil, now)
}

// ReconcileKeys is Reconcile for a rule run over a few changed subjects:
// it records findings and resolves, of the finding keys in resolve, those
// still open that findings does not emit. The rule's other findings are
// left alone, so a run over one changed task costs that task alone.
func (d *Deliverer) ReconcileKeys(ctx context.Context, rule string, findings []rules.Finding, resolve []string, now time.Time) (ReconcileResult, error) {
	return d.reconcile(ctx, rule, nil, findings, nil, false, resolve, now)
}

// Record is Reconcile for event-driven rules (a client's message, a
// reaction): it records the findings one event produced and the replies it
// calls for, all in one transaction, and resolves nothing else, since one
// event says nothing about the rule's other findings.
func (d *Deliverer) Record(ctx context.Context, rule string, findings []rules.Finding, replies []Reply, now time.Time) (ReconcileResult, error) {
	return d.reconcile(ctx, rule, nil, findings, replies, false, nil, now)
}

func (d *Deliverer) reconcile(ctx context.Context, rule string, clients []string, findings []rules.Finding, replies []Reply, resolveMissing bool, resolveKeys []string, now time.Time) (ReconcileResult, error) {
	var res ReconcileResult
	if rule == "" {
		return res, fmt.Errorf("reconciling: empty rule name: %w", store.ErrInvalid)
	}
	for _, f := range findings {
		if f.Rule != rule || f.Key == "" {
			return res, fmt.Errorf("reconciling %s: finding %q of rule %q: %w", rule, f.Key, f.Rule, store.ErrInvalid)
		}
	}
	scope := make(map[string]bool, len(clients))
	for _, c := range clients {
		scope[c] = true
	}
	inScope := func(client string) bool { return len(clients) == 0 || scope[client] }
	if len(resolveKeys) > 0 && resolveMissing {
		return res, fmt.Errorf("reconciling %s: resolving both named keys and missing findings: %w", rule, store.ErrInvalid)
	}
	dir := d.dir()
	var wakeAt time.Time
	err := d.st.WithTx(ctx, func(tx store.Tx) error {
		// A flush on another replica reads and then rewrites the same
		// notifications; without the flush lock one of the two writes
		// would be lost at PostgreSQL's READ COMMITTED.
		if err := tx.LockFlush(ctx); err != nil {
			return err
		}
		res = ReconcileResult{}
		p := newPlanner(ctx, tx, dir, now)
		defer func() { wakeAt = p.earliest }()
		var open []rules.Finding
		if resolveMissing {
			var err error
			if open, err = tx.ListOpenFindings(ctx, store.FindingFilter{Rule: rule}); err != nil {
				return err
			}
		}
		known := openFindings{ctx: ctx, tx: tx, listed: resolveMissing, byKey: make(map[string]rules.Finding, len(open))}
		for _, f := range open {
			known.byKey[f.Key] = f
		}
		emitted := make(map[string]bool, len(findings))
		for _, f := range findings {
			if f.LastSeen.IsZero() {
				f.LastSeen = now
			}
			before, err := known.continued(&f)
			if err != nil {
				return err
			}
			emitted[f.Key] = true
			if before.Key != "" && sameContent(before, f) {
				// Seen again as it was: nothing to write. Most findings
				// of a periodic run are these; LastSeen keeps the time the
				// finding was last opened or changed.
				res.Unchanged++
				continue
			}
			change, err := tx.UpsertFinding(ctx, f)
			if err != nil {
				return err
			}
			if f.FirstSeen.IsZero() {
				f.FirstSeen = f.LastSeen
			}
			var reason string
			switch change {
			case store.FindingNew:
				res.New++
				reason = reasonNew
			case store.FindingReopened:
				res.Reopened++
				reason = reasonReopened
				if err := tx.ClearAck(ctx, f.Key); err != nil {
					return err
				}
			case store.FindingChanged:
				res.Changed++
				reason = reasonChanged
				if err := p.worsened(before, f); err != nil {
					return fmt.Errorf("updating messages of %s: %w", f.Key, err)
				}
			default:
				res.Unchanged++
				continue
			}
			t := routeFinding(dir, f)
			if len(t.recipients) == 0 {
				res.Unrouted++
				d.log.Warn("finding has no recipient", "rule", f.Rule, "client", f.ClientID, "key", f.Key)
				continue
			}
			n, err := p.schedule(f, t, reason, change != store.FindingChanged)
			if err != nil {
				return fmt.Errorf("planning notifications of %s: %w", f.Key, err)
			}
			res.Planned += n
		}
		for _, r := range replies {
			if err := enqueueReply(ctx, tx, r, now); err != nil {
				return err
			}
			at := now
			if r.NotBefore.After(now) {
				at = r.NotBefore
			}
			p.planned(at)
		}
		named := make(map[string]bool, len(resolveKeys))
		for _, k := range resolveKeys {
			if emitted[k] || named[k] {
				continue
			}
			named[k] = true
			f, err := known.get(k)
			if err != nil {
				return err
			}
			if f.Key != "" && f.Rule == rule {
				open = append(open, f)
			}
		}
		for _, f := range open {
			if emitted[f.Key] || !inScope(f.ClientID) {
				continue
			}
			if _, err := tx.ResolveFinding(ctx, f.Key, now); err != nil {
				return err
			}
			if err := p.resolve(f.Key); err != nil {
				return fmt.Errorf("resolving notifications of %s: %w", f.Key, err)
			}
			res.Resolved++
		}
		return nil
	})
	if err != nil {
		return ReconcileResult{}, fmt.Errorf("reconciling %s findings: %w", rule, err)
	}
	if !wakeAt.IsZero() {
		d.wake.poke(wakeAt)
	}
	return res, nil
}

// openFindings finds the stored open finding an emitted one continues.
// Reconcile lists the rule's open findings once; Record, which handles a
// handful of findings per event, looks each up.
type openFindings struct {
	ctx    context.Context
	tx     store.Tx
	listed bool // byKey holds every open finding of the rule
	byKey  map[string]rules.Finding
}

// continued returns the open finding f continues, if any (zero Key when
// none). When f is not open under its key but is under the key one of its
// former kinds gives, f takes that key: the stored finding goes on, with
// its messages, instead of being resolved while an identical one opens.
func (o openFindings) continued(f *rules.Finding) (rules.Finding, error) {
	if cur, err := o.get(f.Key); err != nil || cur.Key != "" {
		return cur, err
	}
	for _, kind := range f.FormerKinds {
		k := rules.Key(f.Rule, f.ClientID, f.Subject, kind)
		cur, err := o.get(k)
		if err != nil {
			return rules.Finding{}, err
		}
		if cur.Key != "" {
			f.Key = k
			return cur, nil
		}
	}
	return rules.Finding{}, nil
}

func (o openFindings) get(key string) (rules.Finding, error) {
	if o.listed {
		return o.byKey[key], nil
	}
	f, err := o.tx.GetFinding(o.ctx, key)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !f.Open()) {
		return rules.Finding{}, nil
	}
	return f, err
}

// sameContent reports whether two versions of a finding read the same to a
// person: what the store's content hash covers, timestamps aside.
func sameContent(a, b rules.Finding) bool {
	return a.Key == b.Key && a.Rule == b.Rule && a.ClientID == b.ClientID && a.Subject == b.Subject &&
		a.Severity == b.Severity && a.Title == b.Title && maps.Equal(a.Fields, b.Fields)
}
