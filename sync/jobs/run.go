package jobs

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
)

// PanicError is the error of an attempt whose Run panicked. The engine keeps
// running and the attempt is retried like any failure.
type PanicError struct {
	// Task is the task's name.
	Task string
	// Value is what was passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic, for the log only.
	Stack []byte
}

// Error implements error without the stack, which stays in the log.
func (e *PanicError) Error() string {
	return fmt.Sprintf("task %s panicked: %v", e.Task, e.Value)
}

// RunOnce runs a registered task synchronously in this process, without the
// job table: one attempt bounded by the task's timeout. It serves
// `liaison sync --once` and needs no Start.
func (e *Engine) RunOnce(ctx context.Context, name string) error {
	t, ok := e.task(name)
	if !ok {
		return fmt.Errorf("running task %q: %w", name, ErrUnknownTask)
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = e.opts.DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return e.execute(ctx, t, 1, 1)
}

// RunAllOnce runs every registered task once, in registration order, with
// RunOnce. One failing task does not stop the others; the errors are joined.
func (e *Engine) RunAllOnce(ctx context.Context) error {
	var errs []error
	for _, name := range e.Tasks() {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("running tasks: %w", err))
			break
		}
		errs = append(errs, e.RunOnce(ctx, name))
	}
	return errors.Join(errs...)
}

// execute makes one attempt of t, recovering panics, recording metrics and
// logging failures with the task's name.
func (e *Engine) execute(ctx context.Context, t Task, attempt, maxAttempts int) (err error) {
	start := e.opts.Clock.Now()
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Task: t.Name, Value: v, Stack: debug.Stack()}
		}
		elapsed := e.opts.Clock.Now().Sub(start)
		outcome := classify(ctx, err)
		e.metrics.runs.WithLabelValues(t.Name, outcome).Inc()
		e.metrics.duration.WithLabelValues(t.Name).Observe(elapsed.Seconds())
		if err == nil {
			e.log.Debug("task succeeded", "task", t.Name, "attempt", attempt, "duration", elapsed)
			return
		}
		attrs := []any{"task", t.Name, "attempt", attempt, "max_attempts", maxAttempts,
			"outcome", outcome, "duration", elapsed, "error", err.Error()}
		var pe *PanicError
		if errors.As(err, &pe) {
			attrs = append(attrs, "stack", string(pe.Stack))
		}
		var told *ReportedError
		switch {
		case errors.As(err, &told):
			// The task said it in its own words; repeating it would only
			// double the line an operator reads.
			e.log.Debug("task failed", attrs...)
		case attempt < maxAttempts:
			e.log.Warn("task failed, will retry", attrs...)
		default:
			e.log.Error("task failed, no attempts left", attrs...)
		}
		err = fmt.Errorf("running task %s: %w", t.Name, err)
	}()
	return t.Run(ctx)
}

// ReportedError is a task error the task has already logged (or otherwise
// reported) itself: the engine records it in its metrics and retries it as
// any other, and logs it only at debug.
type ReportedError struct{ Err error }

func (e *ReportedError) Error() string { return e.Err.Error() }
func (e *ReportedError) Unwrap() error { return e.Err }

// Reported marks err as already reported; nil stays nil.
func Reported(err error) error {
	if err == nil {
		return nil
	}
	return &ReportedError{Err: err}
}

// classify names the outcome of an attempt for the metrics label.
func classify(ctx context.Context, err error) string {
	var pe *PanicError
	switch {
	case err == nil:
		return OutcomeSuccess
	case errors.As(err, &pe):
		return OutcomePanic
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return OutcomeTimeout
	case ctx.Err() != nil:
		return OutcomeCancelled
	default:
		return OutcomeError
	}
}
