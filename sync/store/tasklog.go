package store

import (
	"context"

	"github.com/liaisonhq/liaison/connectors"
)

// TaskSeq is where a store's task writes stand: Written grows with every
// task stored or changed (the stamp of the latest), Removed with every task
// row removed outright.
type TaskSeq struct {
	Written int64
	Removed int64
}

// TaskLog is implemented by stores that stamp every task write, whoever
// makes it, with a growing sequence number. A process keeping a copy of
// the tasks reads TaskSeq, then EachTaskWrittenAfter the stamp its copy
// reflects, and so catches up with every write without reading every task;
// a Removed that moved means rows vanished and the copy must be rebuilt.
type TaskLog interface {
	// TaskSeq returns the current stamps.
	TaskSeq(ctx context.Context) (TaskSeq, error)
	// EachTaskWrittenAfter calls fn with every task (deleted and done ones
	// included) whose latest write is stamped after seq, in stamp order,
	// one at a time: after a first pull that is every task. fn must not
	// keep t, and an error from it ends the walk and is returned.
	EachTaskWrittenAfter(ctx context.Context, seq int64, fn func(t *connectors.Task) error) error
}
