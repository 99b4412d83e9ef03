package jobs

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/riverqueue/river"
)

// Task is one unit of recurring or on-demand work: a connector pull, a rule
// run, an outbox drain. Callers describe it here and never see River types.
type Task struct {
	// Name identifies the task in the job table, logs and metrics. Lower case
	// letters, digits, '-', '_' and '.'; it must stay stable across releases
	// because queued runs refer to it.
	Name string
	// Every is the period of a scheduled task. Zero means the task runs only
	// through RunNow or RunOnce. A period must be at least one second, the
	// smallest unique window River accepts.
	Every time.Duration
	// Run does the work. It must return when ctx is done (timeout or engine
	// stop). A returned error is retried with backoff up to MaxAttempts; a
	// panic is recovered and treated as an error.
	Run func(ctx context.Context) error
	// Timeout bounds one attempt. Zero means Options.DefaultTimeout.
	Timeout time.Duration
	// MaxAttempts bounds the attempts of one run, the first included. Zero
	// means Options.DefaultMaxAttempts.
	MaxAttempts int
}

// ErrUnknownTask is returned by RunNow and RunOnce for a name that was never
// registered.
var ErrUnknownTask = errors.New("unknown task")

// ErrStarted is returned by Register once the engine has started: River's
// worker and periodic sets are fixed from then on.
var ErrStarted = errors.New("job engine already started")

// taskNameRE keeps names safe as metric labels and as JSON job arguments.
var taskNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// minEvery is the smallest period River's ByPeriod uniqueness accepts.
const minEvery = time.Second

func (e *Engine) validateTask(t Task) error {
	if !taskNameRE.MatchString(t.Name) {
		return fmt.Errorf("task name %q: want lower-case letters, digits, '-', '_' or '.'", t.Name)
	}
	if t.Run == nil {
		return fmt.Errorf("task %s: Run is nil", t.Name)
	}
	if t.Every != 0 && t.Every < minEvery {
		return fmt.Errorf("task %s: every %s is below the minimum %s", t.Name, t.Every, minEvery)
	}
	if t.Timeout < 0 || t.MaxAttempts < 0 {
		return fmt.Errorf("task %s: timeout and max attempts must not be negative", t.Name)
	}
	// A run still going when the rescuer looks would be started a second time.
	if t.Timeout > e.opts.RescueStuckAfter {
		return fmt.Errorf("task %s: timeout %s exceeds rescue_stuck_after %s", t.Name, t.Timeout, e.opts.RescueStuckAfter)
	}
	return nil
}

// taskArgs is the single River job kind behind every task: River binds
// workers to Go types, while tasks are named at run time.
type taskArgs struct {
	Task string `json:"task"`
}

// taskKind is the River job kind of every task run.
const taskKind = "liaison_task"

// Kind implements river.JobArgs.
func (taskArgs) Kind() string { return taskKind }

// taskWorker dispatches River jobs to registered tasks.
type taskWorker struct {
	river.WorkerDefaults[taskArgs]
	engine *Engine
}

// Work runs the named task once.
func (w *taskWorker) Work(ctx context.Context, job *river.Job[taskArgs]) error {
	t, ok := w.engine.task(job.Args.Task)
	if !ok {
		// Another replica on a newer release may know this task; retrying here
		// cannot help, and a periodic task will be enqueued again next period.
		w.engine.log.Warn("job for unknown task cancelled", "task", job.Args.Task, "job_id", job.ID)
		return river.JobCancel(fmt.Errorf("task %q: %w", job.Args.Task, ErrUnknownTask))
	}
	return w.engine.execute(ctx, t, job.Attempt, job.MaxAttempts)
}

// Timeout gives each task its own attempt deadline; zero falls back to the
// client's JobTimeout.
func (w *taskWorker) Timeout(job *river.Job[taskArgs]) time.Duration {
	if t, ok := w.engine.task(job.Args.Task); ok {
		return t.Timeout
	}
	return 0
}
