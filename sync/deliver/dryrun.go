package deliver

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// client returns the Slack to use: the real one, or, in dry-run mode (the
// option or delivery.dry_run), one that logs what it would do. This is the
// only dry-run guard; everything else runs as usual, so a dry run records
// deliveries as sent and shows exactly what would have been posted.
func (d *Deliverer) client(dir Directory) Slack {
	if d.opts.DryRun || dir.DeliveryConfig().DryRun {
		return &dryRun{log: d.log, clk: d.clk, seq: &d.dryRunSeq}
	}
	return d.slack
}

type dryRun struct {
	log *slog.Logger
	clk interface{ Now() time.Time }
	seq *atomic.Int64
}

func (r *dryRun) ts() string {
	return fmt.Sprintf("%d.%06d", r.clk.Now().Unix(), r.seq.Add(1)%1000000)
}

func (r *dryRun) PostMessage(_ context.Context, m Message) (string, error) {
	r.log.Info("dry run: would post", "channel", m.Channel, "thread_ts", m.ThreadTS, "text", m.Text, "blocks", string(m.Blocks))
	return r.ts(), nil
}

func (r *dryRun) UpdateMessage(_ context.Context, ts string, m Message) error {
	r.log.Info("dry run: would update", "channel", m.Channel, "ts", ts, "text", m.Text, "blocks", string(m.Blocks))
	return nil
}

func (r *dryRun) PostEphemeral(_ context.Context, user string, m Message) error {
	r.log.Info("dry run: would post ephemeral", "channel", m.Channel, "user", user, "text", m.Text)
	return nil
}

func (r *dryRun) OpenDM(_ context.Context, user string) (string, error) { return "D-" + user, nil }

func (r *dryRun) FindByMetadata(context.Context, string, string, string, string, time.Time, int) (string, bool, error) {
	return "", false, nil
}
