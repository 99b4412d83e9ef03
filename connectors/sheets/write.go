package sheets

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"google.golang.org/api/googleapi"
	gsheets "google.golang.org/api/sheets/v4"

	"github.com/liaisonhq/liaison/connectors/table"
)

// Plan is what Write would send for a workbook, computed without any
// request: dry runs print it.
type Plan struct {
	// Unknown is true when the spreadsheet's tabs must be read first
	// (found again after a crash): then every tab counts as changed.
	Unknown bool
	// Props is true when title, locale or time zone change.
	Props bool
	// NewTabs, LayoutTabs and ValueTabs name (by key) the tabs to add,
	// to re-format and to write values to; RemovedTabs those to delete.
	NewTabs, LayoutTabs, ValueTabs, RemovedTabs []string
}

// Writes is how many write requests the plan costs: one layout batch
// when anything but values changes, one values batch when any values do.
func (p Plan) Writes() int {
	n := 0
	if p.Props || p.Unknown || len(p.NewTabs)+len(p.LayoutTabs)+len(p.RemovedTabs) > 0 {
		n++
	}
	if len(p.ValueTabs) > 0 {
		n++
	}
	return n
}

// PlanWrite compares wb with what st says was written; it needs no
// client, so a dry run works without credentials.
func PlanWrite(st State, wb *table.Workbook) Plan {
	return plan(&st, wb, planTabs(&st, wb))
}

func plan(st *State, wb *table.Workbook, tps []*tabPlan) Plan {
	p := Plan{Unknown: st.SpreadsheetID == "" || !st.Known, Props: propsHash(wb) != st.Props}
	for _, tp := range tps {
		ts := st.tab(tp.tab.Key)
		switch {
		case ts == nil:
			p.NewTabs = append(p.NewTabs, tp.tab.Key)
		case ts.Layout != tp.layoutHash:
			p.LayoutTabs = append(p.LayoutTabs, tp.tab.Key)
		}
		if ts == nil || ts.Values != tp.valuesHash {
			p.ValueTabs = append(p.ValueTabs, tp.tab.Key)
		}
	}
	for _, ts := range st.Tabs {
		if wb.Tab(ts.Key) == nil && !wb.Partial {
			p.RemovedTabs = append(p.RemovedTabs, ts.Key)
		}
	}
	return p
}

// WriteResult is what Write sent.
type WriteResult struct {
	Plan
	// Reads and Writes count the requests sent.
	Reads, Writes int
	// Kept names the cells ("'Summary'!A2") left as a person rewrote them
	// instead of getting the workbook's new text.
	Kept []string
}

// Write brings the spreadsheet st names to wb with at most one layout
// batch and one values batch, updating st after each so that a failure
// part-way leaves st true to what is in the spreadsheet. An unchanged
// workbook sends nothing.
func (c *Client) Write(ctx context.Context, st *State, wb *table.Workbook) (WriteResult, error) {
	var res WriteResult
	if st.SpreadsheetID == "" {
		return res, errors.New("writing workbook: no spreadsheet located")
	}
	if len(wb.Tabs) == 0 {
		return res, errors.New("writing workbook: it has no tabs")
	}
	adopted := !st.Known
	if adopted {
		if err := c.adopt(ctx, st, wb); err != nil {
			return res, err
		}
		res.Reads++
	}
	tps := planTabs(st, wb)
	res.Plan = plan(st, wb, tps)
	res.Plan.Unknown = false
	if reqs, apply := c.layoutRequests(st, wb, tps); len(reqs) > 0 {
		err := c.sendLayout(ctx, st, reqs)
		res.Writes++
		var gerr *googleapi.Error
		if err != nil && !adopted && errors.As(err, &gerr) && gerr.Code == http.StatusBadRequest {
			// The spreadsheet is ahead of st (a sheet id or title that st
			// does not know already exists): a process wrote it and died
			// before storing what it wrote. Read its tabs and write again.
			if err := c.adopt(ctx, st, wb); err != nil {
				return res, err
			}
			res.Reads++
			tps = planTabs(st, wb)
			res.Plan = plan(st, wb, tps)
			res.Plan.Unknown = false
			reqs, apply = c.layoutRequests(st, wb, tps)
			err = nil
			if len(reqs) > 0 {
				err = c.sendLayout(ctx, st, reqs)
				res.Writes++
			}
		}
		if err != nil {
			return res, fmt.Errorf("writing the layout of spreadsheet %s: %w", st.SpreadsheetID, c.classify(err))
		}
		if apply != nil {
			apply()
		}
	}
	var data []*gsheets.ValueRange
	var written []*tabPlan
	for _, tp := range tps {
		ts := st.tab(tp.tab.Key)
		if ts.Values == tp.valuesHash {
			continue
		}
		rows, cols := max(tp.rows, ts.Rows), max(tp.cols, ts.Cols)
		if rows == 0 || cols == 0 {
			ts.Values = tp.valuesHash
			continue
		}
		// Pad to what the tab held before: "" clears a cell.
		vals := make([][]any, rows)
		for r := range vals {
			row := make([]any, cols)
			for c := range row {
				row[c] = ""
				if r < len(tp.values) && c < len(tp.values[r]) {
					row[c] = tp.values[r][c]
				}
			}
			vals[r] = row
		}
		kept, reads, err := c.keepHandEdits(ctx, st, tp, ts, vals)
		res.Reads += reads
		res.Kept = append(res.Kept, kept...)
		if err != nil {
			return res, err
		}
		data = append(data, &gsheets.ValueRange{Range: a1Range(tp.tab.Name, rows, cols), MajorDimension: "ROWS", Values: vals})
		written = append(written, tp)
	}
	if len(data) > 0 {
		err := c.write(ctx, func() error {
			_, err := c.sheets.Spreadsheets.Values.BatchUpdate(st.SpreadsheetID, &gsheets.BatchUpdateValuesRequest{
				ValueInputOption: "USER_ENTERED", Data: data}).Context(ctx).Do()
			return err
		})
		res.Writes++
		if err != nil {
			return res, fmt.Errorf("writing the values of spreadsheet %s: %w", st.SpreadsheetID, c.classify(err))
		}
		for _, tp := range written {
			ts := st.tab(tp.tab.Key)
			ts.Values, ts.Rows, ts.Cols = tp.valuesHash, tp.rows, tp.cols
			for ref, text := range tp.keepWritten {
				if st.Kept == nil {
					st.Kept = map[string]string{}
				}
				st.Kept[ref] = text
			}
		}
	}
	return res, nil
}

// sendLayout sends one layout batch, within the write quota.
func (c *Client) sendLayout(ctx context.Context, st *State, reqs []*gsheets.Request) error {
	return c.write(ctx, func() error {
		_, err := c.sheets.Spreadsheets.BatchUpdate(st.SpreadsheetID, &gsheets.BatchUpdateSpreadsheetRequest{Requests: reqs}).Context(ctx).Do()
		return err
	})
}

// adopt reads the tabs of a spreadsheet found again without state: tabs
// titled like the workbook's are taken over (and cleared on the layout
// write), Google's blank first sheet is removed, and tabs someone else
// added are left alone.
func (c *Client) adopt(ctx context.Context, st *State, wb *table.Workbook) error {
	ss, err := c.sheets.Spreadsheets.Get(st.SpreadsheetID).
		Fields("sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),charts(chartId),conditionalFormats(ranges(sheetId)))").
		Context(ctx).Do()
	if err != nil {
		return fmt.Errorf("reading the tabs of spreadsheet %s: %w", st.SpreadsheetID, c.classify(err))
	}
	st.Tabs, st.DefaultSheet, st.Props = nil, false, ""
	for _, sh := range ss.Sheets {
		p := sh.Properties
		if p == nil {
			continue
		}
		var key string
		for _, t := range wb.Tabs {
			if t.Name == p.Title {
				key = t.Key
			}
		}
		if key == "" {
			st.DefaultSheet = st.DefaultSheet || p.SheetId == 0
			continue
		}
		ts := TabState{Key: key, SheetID: p.SheetId, Title: p.Title, Rules: len(sh.ConditionalFormats), Dirty: true}
		if gp := p.GridProperties; gp != nil {
			ts.GridRows, ts.GridCols = gp.RowCount, gp.ColumnCount
		}
		for _, ch := range sh.Charts {
			ts.Charts = append(ts.Charts, ch.ChartId)
		}
		st.Tabs = append(st.Tabs, ts)
	}
	st.Known = true
	return nil
}

// layoutRequests builds the one layout batch, and the update of st to run
// once it succeeded.
func (c *Client) layoutRequests(st *State, wb *table.Workbook, tps []*tabPlan) ([]*gsheets.Request, func()) {
	var reqs, deletes []*gsheets.Request
	var after []func()
	if ph := propsHash(wb); ph != st.Props {
		reqs = append(reqs, &gsheets.Request{UpdateSpreadsheetProperties: &gsheets.UpdateSpreadsheetPropertiesRequest{
			Properties: &gsheets.SpreadsheetProperties{Title: wb.Title, Locale: sheetsLocale(wb.Locale), TimeZone: wb.TimeZone},
			Fields:     propsFields(wb)}})
		after = append(after, func() { st.Props = ph })
	}
	nextID := int64(1)
	// order follows the sheets' positions as the batch moves them:
	// Sheets reads a moved sheet's index as counted before the move.
	var order []int64
	for _, ts := range st.Tabs {
		nextID = max(nextID, ts.SheetID+1)
		order = append(order, ts.SheetID)
	}
	if st.DefaultSheet {
		order = append([]int64{0}, order...)
	}
	move := func(id int64, to int) int64 {
		cur := slices.Index(order, id)
		sent := to
		if cur >= 0 {
			order = slices.Delete(order, cur, cur+1)
			if to > cur {
				sent = to + 1
			}
		}
		order = slices.Insert(order, min(to, len(order)), id)
		return int64(sent)
	}
	for _, tp := range tps {
		t := tp.tab
		ts := st.tab(t.Key)
		if ts != nil && ts.Layout == tp.layoutHash {
			continue
		}
		grid := &gsheets.GridProperties{RowCount: tp.gridRows, ColumnCount: tp.gridCols, FrozenRowCount: int64(t.FrozenRows),
			ForceSendFields: []string{"FrozenRowCount"}}
		var id int64
		var oldCharts []int64
		oldRules := 0
		dirty := false
		if ts == nil {
			id = nextID
			nextID++
			move(id, tp.index)
			reqs = append(reqs, &gsheets.Request{AddSheet: &gsheets.AddSheetRequest{Properties: &gsheets.SheetProperties{
				SheetId: id, Title: t.Name, Index: int64(tp.index), GridProperties: grid, ForceSendFields: []string{"Index"}}}})
		} else {
			id, oldCharts, oldRules, dirty = ts.SheetID, ts.Charts, ts.Rules, ts.Dirty
			reqs = append(reqs, &gsheets.Request{UpdateSheetProperties: &gsheets.UpdateSheetPropertiesRequest{
				Properties: &gsheets.SheetProperties{SheetId: id, Title: t.Name, Index: move(id, tp.index), GridProperties: grid,
					ForceSendFields: []string{"Index"}},
				Fields: "title,index,gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount"}})
			for _, ch := range oldCharts {
				reqs = append(reqs, &gsheets.Request{DeleteEmbeddedObject: &gsheets.DeleteEmbeddedObjectRequest{ObjectId: ch}})
			}
			for range oldRules {
				reqs = append(reqs, &gsheets.Request{DeleteConditionalFormatRule: &gsheets.DeleteConditionalFormatRuleRequest{
					SheetId: id, Index: 0, ForceSendFields: []string{"Index"}}})
			}
			fields := "userEnteredFormat"
			if dirty {
				fields = "userEnteredValue,userEnteredFormat"
			}
			reqs = append(reqs, &gsheets.Request{RepeatCell: &gsheets.RepeatCellRequest{
				Range: &gsheets.GridRange{SheetId: id}, Cell: &gsheets.CellData{}, Fields: fields}},
				// The layout below merges again what it needs.
				&gsheets.Request{UnmergeCells: &gsheets.UnmergeCellsRequest{Range: &gsheets.GridRange{SheetId: id}}})
		}
		layout := tp.layout(id)
		reqs = append(reqs, layout...)
		var charts []int64
		for i := range t.Charts {
			charts = append(charts, chartID(id, i))
		}
		key, hash, title, rules := t.Key, tp.layoutHash, t.Name, ruleCount(layout)
		gridRows, gridCols := tp.gridRows, tp.gridCols
		after = append(after, func() {
			ts := st.tab(key)
			if ts == nil {
				st.Tabs = append(st.Tabs, TabState{Key: key})
				ts = &st.Tabs[len(st.Tabs)-1]
			}
			ts.SheetID, ts.Title, ts.Layout, ts.Rules, ts.Charts = id, title, hash, rules, charts
			ts.GridRows, ts.GridCols = gridRows, gridCols
			if ts.Dirty {
				ts.Dirty, ts.Values, ts.Rows, ts.Cols = false, "", 0, 0
			}
		})
	}
	for _, ts := range st.Tabs {
		if wb.Tab(ts.Key) == nil && !wb.Partial {
			deletes = append(deletes, &gsheets.Request{DeleteSheet: &gsheets.DeleteSheetRequest{SheetId: ts.SheetID}})
		}
	}
	if st.DefaultSheet {
		deletes = append(deletes, &gsheets.Request{DeleteSheet: &gsheets.DeleteSheetRequest{SheetId: 0, ForceSendFields: []string{"SheetId"}}})
	}
	if len(reqs) == 0 && len(deletes) == 0 {
		return nil, nil
	}
	reqs = append(reqs, deletes...)
	return reqs, func() {
		for _, f := range after {
			f()
		}
		st.DefaultSheet = false
		if wb.Partial {
			// Tabs stay where they are and new ones were appended after
			// them, as in the spreadsheet.
			return
		}
		st.Tabs = slices.DeleteFunc(st.Tabs, func(ts TabState) bool { return wb.Tab(ts.Key) == nil })
		// Keep the tabs in the workbook's order, as in the spreadsheet.
		slices.SortStableFunc(st.Tabs, func(a, b TabState) int { return tabIndex(wb, a.Key) - tabIndex(wb, b.Key) })
	}
}

func tabIndex(wb *table.Workbook, key string) int {
	for i, t := range wb.Tabs {
		if t.Key == key {
			return i
		}
	}
	return len(wb.Tabs)
}

// propsFields names the spreadsheet properties the workbook sets.
func propsFields(wb *table.Workbook) string {
	f := "title"
	if wb.Locale != "" {
		f += ",locale"
	}
	if wb.TimeZone != "" {
		f += ",timeZone"
	}
	return f
}
