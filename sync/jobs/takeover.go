package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// takeOverBatch is how many runs left "running" one query rescues.
const takeOverBatch = 500

// takeOver is what Start does when Options.SoleOwner says no other engine
// can be alive on this database: whatever a previous process left behind
// belongs to a dead process. Its leader term is resigned on its behalf, so
// this engine is elected at its first attempt instead of waiting for the
// lease to expire (River's TTL is 15 s); its runs still marked "running" go
// back to the queue now instead of after RescueStuckAfter. Both go through
// River's own driver calls, the ones its elector and rescuer use.
func (e *Engine) takeOver(ctx context.Context) error {
	resigned, err := e.resignDeadLeader(ctx)
	if err != nil {
		return fmt.Errorf("taking over job engine: %w", err)
	}
	retried, discarded, err := e.rescueDeadRuns(ctx)
	if err != nil {
		return fmt.Errorf("taking over job engine: %w", err)
	}
	if resigned != "" || retried+discarded > 0 {
		e.log.Info("took over from a process that stopped without releasing its work",
			"previous_leader", resigned, "runs_retried", retried, "runs_discarded", discarded)
	}
	return nil
}

// resignDeadLeader removes the leader row of a previous process, returning
// its ID, or "" when there was none.
func (e *Engine) resignDeadLeader(ctx context.Context) (string, error) {
	leader, err := e.exec.LeaderGetElectedLeader(ctx, &riverdriver.LeaderGetElectedLeaderParams{})
	if errors.Is(err, rivertype.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the previous leader: %w", err)
	}
	if _, err := e.exec.LeaderResign(ctx, &riverdriver.LeaderResignParams{
		ElectedAt: leader.ElectedAt,
		LeaderID:  leader.LeaderID,
	}); err != nil {
		return "", fmt.Errorf("resigning the previous leader %s: %w", leader.LeaderID, err)
	}
	return leader.LeaderID, nil
}

// rescueDeadRuns marks every run still "running" as a retry due now, or as
// discarded when it has no attempts left, as River's rescuer would.
func (e *Engine) rescueDeadRuns(ctx context.Context) (retried, discarded int, err error) {
	// A second ahead: River stores times with sub-second precision and
	// compares attempted_at < horizon.
	horizon := time.Now().UTC().Add(time.Second)
	var afterID int64
	for {
		stuck, err := e.exec.JobGetStuck(ctx, &riverdriver.JobGetStuckParams{AfterID: afterID, Max: takeOverBatch, StuckHorizon: horizon})
		if err != nil {
			return retried, discarded, fmt.Errorf("listing runs left running: %w", err)
		}
		if len(stuck) == 0 {
			return retried, discarded, nil
		}
		now := time.Now().UTC()
		p := &riverdriver.JobRescueManyParams{StuckHorizon: horizon}
		for _, job := range stuck {
			afterID = job.ID
			errData, err := json.Marshal(rivertype.AttemptError{
				At:      now,
				Attempt: max(job.Attempt, 0),
				Error:   "the process running this attempt stopped; rescued at start-up",
			})
			if err != nil {
				return retried, discarded, fmt.Errorf("encoding rescue error: %w", err)
			}
			p.ID = append(p.ID, job.ID)
			p.Error = append(p.Error, errData)
			if job.Attempt < job.MaxAttempts {
				retried++
				p.State = append(p.State, string(rivertype.JobStateAvailable))
				p.FinalizedAt = append(p.FinalizedAt, nil)
				p.ScheduledAt = append(p.ScheduledAt, now)
			} else {
				discarded++
				p.State = append(p.State, string(rivertype.JobStateDiscarded))
				p.FinalizedAt = append(p.FinalizedAt, &now)
				p.ScheduledAt = append(p.ScheduledAt, job.ScheduledAt)
			}
		}
		if _, err := e.exec.JobRescueMany(ctx, p); err != nil {
			return retried, discarded, fmt.Errorf("rescuing runs left running: %w", err)
		}
		if len(stuck) < takeOverBatch {
			return retried, discarded, nil
		}
	}
}
