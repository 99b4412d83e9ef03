package jobs

import (
	"context"
	"log/slog"
)

// riverHandler lowers River's info records to debug. River narrates its own
// machinery at info (producers and leaders starting, each errored job,
// which the engine already logs once under the task's name); an operator
// reading the log at info wants the work, not the scheduler. Warnings and
// errors pass unchanged.
type riverHandler struct{ next slog.Handler }

func (h riverHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, demote(l))
}

func (h riverHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	return h.next.Handle(ctx, r)
}

func (h riverHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return riverHandler{h.next.WithAttrs(as)}
}

func (h riverHandler) WithGroup(name string) slog.Handler {
	return riverHandler{h.next.WithGroup(name)}
}

func demote(l slog.Level) slog.Level {
	if l == slog.LevelInfo {
		return slog.LevelDebug
	}
	return l
}
