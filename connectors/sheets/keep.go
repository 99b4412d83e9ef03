package sheets

import (
	"context"
	"fmt"
	"strings"

	"github.com/liaisonhq/liaison/connectors/table"
)

// keepHandEdits decides, for each cell of tp marked Keep, whether the
// values write carries it (vals[r][c] stays) or skips it (nil: Sheets
// leaves a cell it gets null for as it is).
//
//   - A tab with nothing written yet gets the cell: there is nothing to keep.
//   - Text equal to what was last written is skipped without a read:
//     the cell holds either that text or a person's, and either stays.
//   - New text costs one values.get of the cell: it is written when the
//     cell is empty or still holds the last written text (or none was
//     recorded), and skipped, named in kept, when a person rewrote it.
//
// Written cells are put in tp.keepWritten for Write to record after the
// batch succeeds.
func (c *Client) keepHandEdits(ctx context.Context, st *State, tp *tabPlan, ts *TabState, vals [][]any) (kept []string, reads int, err error) {
	tp.keepWritten = nil
	for r, row := range tp.tab.Rows {
		for col, cell := range row {
			if !cell.Keep || cell.Kind != table.Text {
				continue
			}
			key := tp.tab.Key + "!" + colName(col) + fmt.Sprint(r+1)
			ref := quoteSheet(tp.tab.Name) + "!" + colName(col) + fmt.Sprint(r+1)
			last, had := st.Kept[key]
			write := true
			switch {
			case ts.Rows == 0:
			case had && last == cell.Text:
				write = false
			default:
				vr, gerr := c.sheets.Spreadsheets.Values.Get(st.SpreadsheetID, ref).ValueRenderOption("FORMATTED_VALUE").Context(ctx).Do()
				reads++
				if gerr != nil {
					return kept, reads, fmt.Errorf("reading cell %s of spreadsheet %s: %w", ref, st.SpreadsheetID, c.classify(gerr))
				}
				now := ""
				if len(vr.Values) > 0 && len(vr.Values[0]) > 0 {
					now = fmt.Sprint(vr.Values[0][0])
				}
				if had && now != "" && now != last && now != cell.Text {
					write = false
					kept = append(kept, ref)
				}
			}
			if !write {
				vals[r][col] = nil
				continue
			}
			if tp.keepWritten == nil {
				tp.keepWritten = map[string]string{}
			}
			tp.keepWritten[key] = cell.Text
		}
	}
	return kept, reads, nil
}

// quoteSheet quotes a tab title for an A1 reference.
func quoteSheet(title string) string { return "'" + strings.ReplaceAll(title, "'", "''") + "'" }
