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
// the tasks reads TaskSeq, then TasksWrittenAfter the stamp its copy
// reflects, and so catches up with every write without reading every task;
// a Removed that moved means rows vanished and the copy must be rebuilt.
type TaskLog interface {
	// TaskSeq returns the current stamps.
	TaskSeq(ctx context.Context) (TaskSeq, error)
	// TasksWrittenAfter returns every task (deleted and done ones included)
	// whose latest write is stamped after seq, ordered by key.
	TasksWrittenAfter(ctx context.Context, seq int64) ([]connectors.Task, error)
}
