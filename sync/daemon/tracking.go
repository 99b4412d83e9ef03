package daemon

import (
	"context"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// taskTracker is the store as the Jira pull sees it: every task it stores
// or marks deleted is also reported to changed, so the rule engine
// evaluates those tasks alone instead of every task on every run.
type taskTracker struct {
	store.Store
	changed func(keys []string)
}

func (t taskTracker) UpsertTasks(ctx context.Context, tasks []connectors.Task) error {
	err := t.Store.UpsertTasks(ctx, tasks)
	t.changed(taskKeys(tasks))
	return err
}

func (t taskTracker) MarkTasksDeleted(ctx context.Context, keys []string) error {
	err := t.Store.MarkTasksDeleted(ctx, keys)
	t.changed(keys)
	return err
}

func (t taskTracker) WithTx(ctx context.Context, fn func(tx store.Tx) error) error {
	return t.Store.WithTx(ctx, func(tx store.Tx) error { return fn(trackingTx{tx, t.changed}) })
}

// trackingTx reports tasks stored inside a transaction. A change reported
// for a transaction that then rolls back only costs an evaluation.
type trackingTx struct {
	store.Tx
	changed func(keys []string)
}

func (t trackingTx) UpsertTasks(ctx context.Context, tasks []connectors.Task) error {
	err := t.Tx.UpsertTasks(ctx, tasks)
	t.changed(taskKeys(tasks))
	return err
}

func (t trackingTx) MarkTasksDeleted(ctx context.Context, keys []string) error {
	err := t.Tx.MarkTasksDeleted(ctx, keys)
	t.changed(keys)
	return err
}

func taskKeys(tasks []connectors.Task) []string {
	keys := make([]string, len(tasks))
	for i, t := range tasks {
		keys[i] = t.Key
	}
	return keys
}
