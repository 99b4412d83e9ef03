package deliver

import (
	"context"
	"errors"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// permanentError is a failure of ours that retrying cannot fix (a recipient
// the configuration no longer knows, a payload that does not decode).
type permanentError struct{ msg string }

func (e *permanentError) Error() string   { return e.msg }
func (e *permanentError) Permanent() bool { return true }

// localeFor picks the language and zone of a recipient's messages: the
// person's language, else the client's, else the agency's; the person's
// zone, else the agency's.
func localeFor(dir Directory, recipient, clientID string) (catalog, *time.Location) {
	lang, loc := languageFor(dir, recipient, clientID)
	return catalogFor(lang), loc
}

func languageFor(dir Directory, recipient, clientID string) (connectors.Language, *time.Location) {
	lang, loc := dir.AgencyLocale()
	if loc == nil {
		loc = time.UTC
	}
	if c, _ := dir.DeliveryClient(clientID); c != nil && c.Language.Valid() {
		lang = c.Language
	}
	if !isChannel(recipient) {
		if p := dir.Person(recipient); p != nil && p.Language.Valid() {
			lang = p.Language
		}
		if cal := dir.Calendar(recipient); cal != nil && cal.Location != nil {
			loc = cal.Location
		}
	}
	return lang, loc
}

// compose renders a post from its findings' current state.
func (d *Deliverer) compose(ctx context.Context, dir Directory, p payload, now time.Time) (string, []byte, error) {
	silences, err := d.st.ListActiveSilences(ctx, now)
	if err != nil {
		return "", nil, err
	}
	var views []view
	for _, it := range p.Items {
		f, err := d.st.GetFinding(ctx, it.Key)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", nil, err
		}
		v := view{f: f, reason: it.Reason}
		if c, _ := dir.DeliveryClient(f.ClientID); c != nil {
			v.clientName = c.Name
		}
		if a, err := d.st.GetAck(ctx, f.Key); err == nil {
			v.ackedBy = a.By
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", nil, err
		}
		for _, s := range silences {
			if s.Matches(f) && s.EndsAt.After(v.snoozedUntil) {
				v.snoozedUntil = s.EndsAt
			}
		}
		if v.escalations, err = d.escalationsOf(ctx, dir, f, p.Recipient, v.ackedBy != ""); err != nil {
			return "", nil, err
		}
		views = append(views, v)
	}
	if len(views) == 0 {
		return "", nil, &permanentError{"post lists no finding that still exists"}
	}
	lang, loc := languageFor(dir, p.Recipient, views[0].f.ClientID)
	r := rendering{cat: catalogFor(lang), loc: loc, now: now, people: dir, digest: p.Digest, max: d.opts.MaxFindingsPerMessage,
		lang: lang, wordings: d.opts.Wordings}
	return renderAlert(r, views)
}

// composeNote renders a thread note.
func (d *Deliverer) composeNote(ctx context.Context, dir Directory, p payload) (string, error) {
	f, err := d.st.GetFinding(ctx, p.Finding)
	if err != nil {
		return "", err
	}
	lang, loc := languageFor(dir, p.Recipient, f.ClientID)
	return renderNote(rendering{cat: catalogFor(lang), loc: loc, people: dir, lang: lang, wordings: d.opts.Wordings}, f, p.Note), nil
}

// channelFor returns where a recipient's messages go: the channel itself,
// or the DM with the person.
func (d *Deliverer) channelFor(ctx context.Context, sl Slack, dir Directory, recipient string) (string, error) {
	if ch := channelIDOf(recipient); ch != "" {
		return ch, nil
	}
	p := dir.Person(recipient)
	if p == nil || p.SlackUserID == "" {
		return "", &permanentError{"recipient " + recipient + " is not a configured person with a Slack user id"}
	}
	return sl.OpenDM(ctx, p.SlackUserID)
}
