package daemon

import (
	"context"
	"errors"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/jobs"
)

// observe wraps a task that calls the upstream name so that its outcome
// becomes the upstream's state. A cancelled run (shutdown, timeout of our
// own) says nothing about the upstream and is not recorded.
func (a *App) observe(name string, run func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		err := run(ctx)
		switch {
		case err == nil:
			a.up.succeeded(name, a.clock.Now())
		case ctx.Err() == nil:
			// failed logs it, once per reason: the job engine need not.
			a.up.failed(name, err, a.clock.Now())
			return jobs.Reported(err)
		}
		return err
	}
}

// Upstreams returns each upstream's state: configured, authenticated, last
// success and last error.
func (a *App) Upstreams() []UpstreamState { return a.up.snapshot() }

// CheckUpstreams asks each configured upstream who we are (Jira's
// /myself, Slack's auth.test), so that credentials it rejects show in
// /readyz at start rather than at the first pull. Google is checked by its
// first pull: its token exchange is the same call.
func (a *App) CheckUpstreams(ctx context.Context) {
	if a.jira != nil {
		_ = a.observe("jira", func(ctx context.Context) error {
			_, err := a.jira.Location(ctx)
			return err
		})(ctx)
	}
	if a.slack != nil {
		_ = a.observe("slack", func(ctx context.Context) error {
			_, err := a.slack.AuthTest(ctx)
			return err
		})(ctx)
	}
}

// observedSlack is delivery's Slack: every call's outcome becomes the
// slack upstream's state.
type observedSlack struct {
	deliver.Slack
	up    *upstreams
	clock clock.Clock
}

// note records a call's outcome; its errors name the method already.
func (s observedSlack) note(err error) {
	switch {
	case err == nil:
		s.up.succeeded("slack", s.clock.Now())
	case errors.Is(err, context.Canceled):
	default:
		// failed logs each new reason once, transient ones included:
		// delivery retries those without a word.
		s.up.failed("slack", err, s.clock.Now())
	}
}

func (s observedSlack) PostMessage(ctx context.Context, m deliver.Message) (string, error) {
	ts, err := s.Slack.PostMessage(ctx, m)
	s.note(err)
	return ts, err
}

func (s observedSlack) UpdateMessage(ctx context.Context, ts string, m deliver.Message) error {
	err := s.Slack.UpdateMessage(ctx, ts, m)
	s.note(err)
	return err
}

func (s observedSlack) PostEphemeral(ctx context.Context, user string, m deliver.Message) error {
	err := s.Slack.PostEphemeral(ctx, user, m)
	s.note(err)
	return err
}

func (s observedSlack) OpenDM(ctx context.Context, user string) (string, error) {
	ch, err := s.Slack.OpenDM(ctx, user)
	s.note(err)
	return ch, err
}
