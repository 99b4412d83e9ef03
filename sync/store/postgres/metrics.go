package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// ReplaceMetrics implements store.Metrics. The transaction first takes an
// advisory lock on (source, account): at READ COMMITTED, two replicas
// replacing the same window would otherwise both delete the old rows, then
// the second would collide with the first's new ones. Under the lock the
// second's DELETE runs after the first commits and sees its rows.
func (q queries) ReplaceMetrics(ctx context.Context, source, account, dateFrom, dateTo string, rows []connectors.MetricRow) error {
	if err := checkMetricRows(source, account, dateFrom, dateTo, rows); err != nil {
		return fmt.Errorf("replacing %s metrics of %s: %w", source, account, err)
	}
	return q.inTx(ctx, func(q queries) error {
		if _, err := q.db.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`,
			lockClassMetrics, lockKey(source, account)); err != nil {
			return fmt.Errorf("locking %s metrics of %s: %w", source, account, err)
		}
		if _, err := q.db.Exec(ctx, `DELETE FROM metrics WHERE source = $1 AND account = $2 AND date >= $3 AND date <= $4`,
			source, account, dateFrom, dateTo); err != nil {
			return fmt.Errorf("clearing %s metrics of %s: %w", source, account, err)
		}
		var values [][]any
		for _, r := range rows {
			kind := r.DimensionKind()
			for name, v := range r.Metrics {
				values = append(values, []any{source, account, r.Date, r.Dimension, kind, name, r.ClientID, v})
			}
		}
		if len(values) == 0 {
			return nil
		}
		// COPY: a month of Search Console queries is thousands of rows.
		if _, err := q.db.CopyFrom(ctx, pgx.Identifier{"metrics"},
			[]string{"source", "account", "date", "dimension", "dim_kind", "name", "client_id", "value"},
			pgx.CopyFromRows(values)); err != nil {
			return fmt.Errorf("storing %s metrics of %s: %w", source, account, err)
		}
		return nil
	})
}

// lockKey encodes (source, account) unambiguously as one text (NUL, the
// obvious separator, is not allowed in PostgreSQL text).
func lockKey(source, account string) string {
	return strconv.Itoa(len(source)) + ":" + source + "/" + account
}

func checkMetricRows(source, account, dateFrom, dateTo string, rows []connectors.MetricRow) error {
	if source == "" || account == "" {
		return fmt.Errorf("source and account are required: %w", store.ErrInvalid)
	}
	if !validDate(dateFrom) || !validDate(dateTo) || dateTo < dateFrom {
		return fmt.Errorf("window %q..%q is not a date range: %w", dateFrom, dateTo, store.ErrInvalid)
	}
	type rowKey struct{ date, dim string }
	seen := make(map[rowKey]bool, len(rows))
	for _, r := range rows {
		switch {
		case r.Source != source || r.Account != account:
			return fmt.Errorf("row for %s/%s in a replacement of %s/%s: %w", r.Source, r.Account, source, account, store.ErrInvalid)
		case !validDate(r.Date) || r.Date < dateFrom || r.Date > dateTo:
			return fmt.Errorf("row dated %q outside %s..%s: %w", r.Date, dateFrom, dateTo, store.ErrInvalid)
		case seen[rowKey{r.Date, r.Dimension}]:
			return fmt.Errorf("duplicate row for %s %q: %w", r.Date, r.Dimension, store.ErrInvalid)
		}
		seen[rowKey{r.Date, r.Dimension}] = true
	}
	return nil
}

// QueryMetrics implements store.Metrics. SQL sums per group and metric;
// the pivot to one total per group and the ordering happen here, the same
// way as in the SQLite store.
func (q queries) QueryMetrics(ctx context.Context, mq store.MetricQuery) ([]store.MetricTotal, error) {
	if mq.Source == "" || !validDate(mq.DateFrom) || !validDate(mq.DateTo) {
		return nil, fmt.Errorf("querying metrics: need source and a date range: %w", store.ErrInvalid)
	}
	var w where
	w.add("source = " + w.arg(mq.Source))
	w.add("date >= " + w.arg(mq.DateFrom) + " AND date <= " + w.arg(mq.DateTo))
	w.add("dim_kind = " + w.arg(mq.DimensionKind))
	if mq.ClientID != "" {
		w.add("client_id = " + w.arg(mq.ClientID))
	}
	w.in("account", mq.Accounts)
	// Constant columns keep the scan uniform whatever the grouping; they
	// stay out of GROUP BY, where PostgreSQL refuses non-integer constants.
	dateCol, dimCol := "''::text", "''::text"
	groupBy := []string{"name"}
	if mq.ByDate {
		dateCol = "date"
		groupBy = append(groupBy, "date")
	}
	if mq.ByDimension {
		dimCol = "dimension"
		groupBy = append(groupBy, "dimension")
	}
	// Float sums depend on the order of the terms, and a heap's row order
	// changes whenever a window is replaced: without ORDER BY the same data
	// could total 9202.67 once and 9202.669999999998 the next time, and a
	// report hashed from it would be rewritten for nothing.
	query := `SELECT ` + dateCol + `, ` + dimCol + `, name, SUM(value ORDER BY account, date, dimension) FROM metrics` + w.String() +
		` GROUP BY ` + strings.Join(groupBy, ", ")
	rows, err := q.db.Query(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("querying metrics: %w", err)
	}
	defer rows.Close()
	var totals store.MetricTotals
	for rows.Next() {
		var (
			date, dim, name string
			sum             float64
		)
		if err := rows.Scan(&date, &dim, &name, &sum); err != nil {
			return nil, fmt.Errorf("querying metrics: %w", err)
		}
		totals.Add(date, dim, name, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("querying metrics: %w", err)
	}
	return totals.Result(mq), nil
}
