package deliver

import (
	"context"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// MaxSilence bounds how long one silence may last, so that a typo in a
// duration cannot mute a rule for years.
const MaxSilence = 90 * 24 * time.Hour

// AddSilence validates s and stores it, with an audit entry, for
// `liaison silence add` and the Snooze button. A zero StartsAt means now.
// It refuses (with an error matching store.ErrInvalid) a silence without a
// matcher, one that ends before it starts or already ended, and one longer
// than MaxSilence. Notifications it mutes stay pending and go out at the
// first flush after it ends, if their finding is still open.
func AddSilence(ctx context.Context, st store.Store, now time.Time, s store.Silence) (string, error) {
	if s.StartsAt.IsZero() {
		s.StartsAt = now
	}
	switch {
	case s.Rule == "" && s.ClientID == "" && s.SubjectID == "" && s.FindingKey == "":
		return "", fmt.Errorf("adding silence: name a rule, client, subject or finding: %w", store.ErrInvalid)
	case !s.EndsAt.After(s.StartsAt):
		return "", fmt.Errorf("adding silence: it must end after it starts: %w", store.ErrInvalid)
	case !s.EndsAt.After(now):
		return "", fmt.Errorf("adding silence: it would already be over: %w", store.ErrInvalid)
	case s.EndsAt.Sub(s.StartsAt) > MaxSilence:
		return "", fmt.Errorf("adding silence: longer than %s: %w", MaxSilence, store.ErrInvalid)
	}
	if s.CreatedBy == "" {
		s.CreatedBy = "cli"
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	var id string
	err := st.WithTx(ctx, func(tx store.Tx) error {
		var err error
		if id, err = tx.AddSilence(ctx, s); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, store.AuditEntry{Time: now, Actor: s.CreatedBy, Action: "silence.add",
			Detail: fmt.Sprintf("id=%s rule=%q client=%q subject=%q finding=%q until=%s comment=%q",
				id, s.Rule, s.ClientID, s.SubjectID, s.FindingKey, s.EndsAt.UTC().Format(time.RFC3339), s.Comment)})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("adding silence: %w", err)
	}
	return id, nil
}

// ListSilences returns the silences in force at now, for
// `liaison silence list`.
func ListSilences(ctx context.Context, st store.Store, now time.Time) ([]store.Silence, error) {
	ss, err := st.ListActiveSilences(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("listing silences: %w", err)
	}
	return ss, nil
}

// ExpireSilence ends a silence now, for `liaison silence expire`; what it
// muted goes out at the next flush. An unknown id matches store.ErrNotFound.
func ExpireSilence(ctx context.Context, st store.Store, id, actor string, now time.Time) error {
	if id == "" {
		return fmt.Errorf("expiring silence: empty id: %w", store.ErrInvalid)
	}
	if actor == "" {
		actor = "cli"
	}
	err := st.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.ExpireSilence(ctx, id, now); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, store.AuditEntry{Time: now, Actor: actor, Action: "silence.expire", Detail: "id=" + id})
		return err
	})
	if err != nil {
		return fmt.Errorf("expiring silence %s: %w", id, err)
	}
	return nil
}
