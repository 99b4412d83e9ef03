package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/daemon"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// PingResult is what a run of client pings measured.
type PingResult struct {
	Pings int
	// Reply and Alert are the latencies, ping to the client's thread reply
	// and ping to the AM's alert (group_wait 0), sorted; a ping that got
	// no answer within PingTimeout counts as PingTimeout.
	Reply, Alert []time.Duration
	// HistoryCalls is how many conversations.history calls the daemon made
	// over IdleHours simulated hours with its connection up, after start.
	HistoryCalls int
	IdleHours    int
}

// PingTimeout bounds the wait for one ping's answers.
const PingTimeout = 10 * time.Second

// pingSpacing keeps pings apart by more than Slack's one post per second
// per channel, so that each ping measures its own answer, not the queue
// behind the previous one.
const pingSpacing = 1100 * time.Millisecond

// followingClock is a fake clock that moves with real time from a chosen
// start (a working morning, so that alerts are not held for working
// hours), and that the bench can also jump forward.
func followingClock(ctx context.Context, start time.Time) *clock.Fake {
	clk := clock.NewFake(start)
	go func() {
		last := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Millisecond):
			}
			now := time.Now()
			clk.Advance(now.Sub(last))
			last = now
		}
	}()
	return clk
}

// Pings runs the daemon's Slack and delivery loops against the sandbox and
// has clients ping specialists n times: each time, a client contact
// mentions a specialist in the client's channel, and the time until the
// client's thread reply and the AM's alert appear in the Slack fake is
// measured. Then it idles for idleHours simulated hours and counts history
// calls.
func Pings(ctx context.Context, n, idleHours int, log *slog.Logger) (PingResult, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res := PingResult{Pings: n, IdleHours: idleHours}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Tuesday 1 December 2026, 13:00 in Almaty, 10:00 in Kyiv: everyone works.
	clk := followingClock(ctx, time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	sb, err := sandbox.New(sandbox.Options{Clock: clk})
	if err != nil {
		return res, err
	}
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	fake := sb.Slack()
	fake.SetBaseURL(srv.URL)
	dir, err := tempDir()
	if err != nil {
		return res, err
	}
	defer removeAll(dir)
	yml, err := sb.Config(srv.URL, sandbox.ConfigOptions{DataDir: dir})
	if err != nil {
		return res, err
	}
	cfg, err := configs.Parse("sandbox.yaml", yml)
	if err != nil {
		return res, fmt.Errorf("sandbox config: %w", err)
	}
	cfg.Delivery.GroupWait, cfg.Delivery.GroupInterval = 0, time.Millisecond
	st, err := sqlite.Open(ctx, dir, sqlite.Options{Clock: clk})
	if err != nil {
		return res, err
	}
	defer st.Close()
	app, err := daemon.NewApp(func() *configs.Config { return cfg }, st, daemon.AppOptions{Clock: clk, Logger: log})
	if err != nil {
		return res, err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() {
		if err := app.RunSlack(ctx); err != nil {
			log.Error("slack events stopped", "err", err)
		}
	})
	wg.Go(func() {
		if err := app.RunDelivery(ctx); err != nil {
			log.Error("delivery stopped", "err", err)
		}
	})

	type target struct{ channel, contact, specialist, amDM string }
	var targets []target
	channels := 0
	for _, c := range cfg.Clients {
		channels += len(c.SlackChannels)
		if len(c.SlackChannels) == 0 || len(c.Contacts) == 0 || len(c.Specialists) == 0 {
			continue
		}
		am := cfg.Person(c.AccountManager)
		sp := cfg.Person(c.Specialists[0])
		if am == nil || sp == nil {
			continue
		}
		targets = append(targets, target{channel: c.SlackChannels[0], contact: c.Contacts[0].SlackUserID,
			specialist: sp.SlackUserID, amDM: am.SlackUserID})
	}
	if len(targets) == 0 {
		return res, errors.New("the sandbox has no client channel with a contact and a specialist")
	}
	if err := until(ctx, 2*time.Minute, func() bool {
		return fake.Connections() == 1 && fake.CallCount("conversations.history") >= channels
	}); err != nil {
		return res, fmt.Errorf("waiting for the daemon to connect and catch up: %w", err)
	}

	for i := range n {
		tg := targets[i%len(targets)]
		dm, _ := fake.DMChannel(tg.amDM)
		// The AM's alert quotes the ping: it may be a new message, or an
		// open alert updated to list it too.
		token := fmt.Sprintf("ping-%04d", i)
		start := time.Now()
		ping, err := fake.PostUserMessage(slackfake.UserMessage{Channel: tg.channel, User: tg.contact,
			Text: fmt.Sprintf("<@%s> where is the report? %s", tg.specialist, token)})
		if err != nil {
			return res, err
		}
		var reply, alert time.Duration
		_ = until(ctx, PingTimeout, func() bool {
			if reply == 0 && len(botMessages(fake, tg.channel, ping.TS)) > 0 {
				reply = time.Since(start)
			}
			if alert == 0 {
				if dm == "" {
					dm, _ = fake.DMChannel(tg.amDM)
				}
				if dm != "" && mentions(botMessages(fake, dm, ""), token) {
					alert = time.Since(start)
				}
			}
			return reply > 0 && alert > 0
		})
		res.Reply = append(res.Reply, orTimeout(reply))
		res.Alert = append(res.Alert, orTimeout(alert))
		if wait := pingSpacing - time.Since(start); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return res, ctx.Err()
			}
		}
	}
	slices.Sort(res.Reply)
	slices.Sort(res.Alert)

	before := fake.CallCount("conversations.history")
	for range idleHours * 60 {
		clk.Advance(time.Minute)
		time.Sleep(time.Millisecond) // let the daemon's timers run
	}
	res.HistoryCalls = fake.CallCount("conversations.history") - before
	return res, nil
}

func orTimeout(d time.Duration) time.Duration {
	if d == 0 {
		return PingTimeout
	}
	return d
}

// botMessages are the bot's messages in channel (in thread ts, if set).
func botMessages(fake *slackfake.Server, channel, ts string) []slackfake.Message {
	if channel == "" {
		return nil
	}
	var out []slackfake.Message
	for _, m := range fake.Messages(channel) {
		if m.User == slackfake.BotUserID && !m.Ephemeral && (ts == "" || m.ThreadTS == ts) {
			out = append(out, m)
		}
	}
	return out
}

// mentions reports whether one of msgs shows token.
func mentions(msgs []slackfake.Message, token string) bool {
	for _, m := range msgs {
		if strings.Contains(m.Text, token) || strings.Contains(string(m.Blocks), token) {
			return true
		}
	}
	return false
}

// until polls cond every millisecond for at most bound.
func until(ctx context.Context, bound time.Duration, cond func() bool) error {
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not within %v", bound)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

// Percentile returns the q-quantile (0 < q ≤ 1) of sorted durations.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
