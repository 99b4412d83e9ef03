package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/opssheet"
	"github.com/liaisonhq/liaison/rules/workload"
	"github.com/liaisonhq/liaison/sync/store"
)

// opsStateKey keeps the ops sheet's weeks, newest last.
const opsStateKey = "ops/weeks"

// OpsSheet builds the head's ops workbook at now: the weeks recorded so
// far plus this week's workload figures (ISO week in the agency's zone),
// measured as the workload digest measures them. With record set, this
// week's figures are stored the first time they are built, so each week
// is one set of rows; without it nothing is written.
func (e *Engine) OpsSheet(ctx context.Context, now time.Time, record bool) (table.Workbook, error) {
	cfg := e.cfg()
	lang, loc := cfg.AgencyLocale()
	var weeks []opssheet.Week
	s, err := e.st.GetReportState(ctx, opsStateKey)
	switch {
	case err == nil:
		if err := json.Unmarshal(s.Data, &weeks); err != nil {
			return table.Workbook{}, fmt.Errorf("reading ops weeks: %w", err)
		}
	case !errors.Is(err, store.ErrNotFound):
		return table.Workbook{}, fmt.Errorf("loading ops weeks: %w", err)
	}
	var loads []workload.Load
	if err := e.workloadInput(ctx, cfg, func(in workload.Input, _ int) { loads = workload.Measure(in, now) }); err != nil {
		return table.Workbook{}, err
	}
	y, w := now.In(loc).ISOWeek()
	week := opssheet.Week{Name: fmt.Sprintf("%04d-W%02d", y, w), Lines: opssheet.LinesOf(loads)}
	weeks, added := opssheet.Append(weeks, week)
	if record && added {
		data, err := json.Marshal(weeks)
		if err != nil {
			return table.Workbook{}, fmt.Errorf("encoding ops weeks: %w", err)
		}
		if _, err := e.st.PutReportState(ctx, store.ReportState{Key: opsStateKey, Hash: week.Name, Data: data}); err != nil {
			return table.Workbook{}, fmt.Errorf("recording ops week %s: %w", week.Name, err)
		}
	}
	return opssheet.Build(cfg.Agency.Name, headLanguage(cfg, lang), weeks), nil
}

// headLanguage is the language of the first head of accounts, else def.
func headLanguage(cfg *configs.Config, def connectors.Language) connectors.Language {
	for _, p := range cfg.People {
		if p.Role == connectors.RoleHead {
			return p.Language
		}
	}
	return def
}
