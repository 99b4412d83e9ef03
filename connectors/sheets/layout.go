package sheets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	gsheets "google.golang.org/api/sheets/v4"

	"github.com/liaisonhq/liaison/connectors/table"
)

// Grid sizes: Google's default, grown in steps so that a tab gaining rows
// rarely changes its layout.
const (
	minGridRows = 1000
	minGridCols = 26
	gridStep    = 1000
)

// Colours of change cells: good news green, bad news red.
var (
	goodColour = &gsheets.Color{Red: 0.05, Green: 0.5, Blue: 0.2}
	badColour  = &gsheets.Color{Red: 0.8, Green: 0.1, Blue: 0.1}
)

// tabPlan is one tab of a workbook as it will be written.
type tabPlan struct {
	tab        *table.Tab
	index      int
	values     [][]any
	rows, cols int
	valuesHash string
	gridRows   int64
	gridCols   int64
	layoutHash string
	wb         *table.Workbook
}

func hashOf(v any) string {
	raw, _ := json.Marshal(v)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:12])
}

// planTabs renders every tab's values and layout hashes against st.
func planTabs(st *State, wb *table.Workbook) []*tabPlan {
	out := make([]*tabPlan, 0, len(wb.Tabs))
	for i := range wb.Tabs {
		t := &wb.Tabs[i]
		tp := &tabPlan{tab: t, index: i, wb: wb, rows: len(t.Rows)}
		for _, r := range t.Rows {
			tp.cols = max(tp.cols, len(r))
		}
		tp.values = make([][]any, len(t.Rows))
		for r, row := range t.Rows {
			vals := make([]any, len(row))
			for c, cell := range row {
				vals[c] = cellValue(cell)
			}
			tp.values[r] = vals
		}
		tp.valuesHash = hashOf(struct {
			Title  string
			Values [][]any
		}{t.Name, tp.values})
		tp.gridRows = max(int64(minGridRows), roundUp(int64(tp.rows), gridStep))
		tp.gridCols = max(int64(minGridCols), int64(tp.cols))
		if ts := st.tab(t.Key); ts != nil {
			tp.gridRows, tp.gridCols = max(tp.gridRows, ts.GridRows), max(tp.gridCols, ts.GridCols)
		}
		tp.layoutHash = hashOf(struct {
			Title      string
			Index      int
			Frozen     int
			Rows, Cols int64
			Requests   []*gsheets.Request
		}{t.Name, i, t.FrozenRows, tp.gridRows, tp.gridCols, tp.layout(-1)})
		out = append(out, tp)
	}
	return out
}

func roundUp(n, step int64) int64 { return (n + step - 1) / step * step }

// propsHash covers what the spreadsheet itself carries.
func propsHash(wb *table.Workbook) string {
	return hashOf([]string{wb.Title, sheetsLocale(wb.Locale), wb.TimeZone})
}

// sheetsLocale turns "ru-RU" or "ru" into Sheets' "ru_RU".
func sheetsLocale(l string) string {
	l = strings.ReplaceAll(l, "-", "_")
	switch l {
	case "ru":
		return "ru_RU"
	case "uk":
		return "uk_UA"
	case "en":
		return "en_US"
	}
	return l
}

// cellValue is what values.batchUpdate (USER_ENTERED) gets for a cell.
// Text is prefixed with an apostrophe so that Sheets never reads it as a
// number, date or formula; dates go as serial numbers, which the date
// format shows in the spreadsheet's locale.
func cellValue(c table.Cell) any {
	switch c.Kind {
	case table.Integer, table.Number, table.Percent, table.Currency:
		if c.Blank {
			return ""
		}
		return c.Num
	case table.Date:
		d, err := time.Parse(time.DateOnly, c.Text)
		if err != nil {
			break
		}
		return float64(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
	case table.Link:
		if c.URL != "" {
			q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
			return "=HYPERLINK(" + q(c.URL) + "," + q(c.Text) + ")"
		}
	}
	if c.Text == "" {
		return ""
	}
	return "'" + c.Text
}

// cellFormat is the user-entered format of a cell, nil for none.
func cellFormat(c table.Cell, wb *table.Workbook) *gsheets.CellFormat {
	var cf gsheets.CellFormat
	decimals := func(d int) string {
		if d <= 0 {
			return ""
		}
		return "." + strings.Repeat("0", d)
	}
	switch c.Kind {
	case table.Integer:
		cf.NumberFormat = &gsheets.NumberFormat{Type: "NUMBER", Pattern: signed("#,##0", c.Signed)}
	case table.Number:
		cf.NumberFormat = &gsheets.NumberFormat{Type: "NUMBER", Pattern: signed("#,##0"+decimals(c.Decimals), c.Signed)}
	case table.Percent:
		cf.NumberFormat = &gsheets.NumberFormat{Type: "PERCENT", Pattern: signed("0"+decimals(c.Decimals)+"%", c.Signed)}
	case table.Currency:
		code := wb.Currency
		if c.Currency != "" {
			code = c.Currency
		}
		cf.NumberFormat = &gsheets.NumberFormat{Type: "CURRENCY", Pattern: signed(currencyPattern(code, c.Decimals), c.Signed)}
	case table.Date:
		cf.NumberFormat = &gsheets.NumberFormat{Type: "DATE", Pattern: datePattern(wb.Locale)}
	}
	if c.Bold {
		cf.TextFormat = &gsheets.TextFormat{Bold: true}
	}
	if cf.NumberFormat == nil && cf.TextFormat == nil {
		return nil
	}
	return &cf
}

// signed gives a pattern a plus sign for positive numbers (Sheets'
// positive;negative;zero sections).
func signed(p string, on bool) string {
	if !on {
		return p
	}
	return "+" + p + ";-" + p + ";" + p
}

// currencyPattern writes amounts with the currency's sign where its
// readers expect it; the locale supplies the separators.
func currencyPattern(code string, d int) string {
	num := "#,##0"
	if d > 0 {
		num += "." + strings.Repeat("0", d)
	}
	switch strings.ToUpper(code) {
	case "USD":
		return `"$"` + num
	case "GBP":
		return `"£"` + num
	case "EUR":
		return num + ` "€"`
	case "UAH":
		return num + ` "₴"`
	case "RUB":
		return num + ` "₽"`
	case "KZT":
		return num + ` "₸"`
	case "":
		return num
	}
	return num + ` "` + strings.ToUpper(code) + `"`
}

func datePattern(locale string) string {
	switch l := sheetsLocale(locale); {
	case strings.HasPrefix(l, "ru"), strings.HasPrefix(l, "uk"), strings.HasPrefix(l, "de"):
		return "dd.mm.yyyy"
	case l == "en_US":
		return "mm/dd/yyyy"
	case strings.HasPrefix(l, "en"):
		return "dd/mm/yyyy"
	}
	return "yyyy-mm-dd"
}

// layout is the tab's formats, widths, conditional colours and charts as
// requests on sheetID. Formats go per column in runs of equal format, the
// last run open-ended, and charts and colours reaching the tab's last row
// are open-ended too: a tab that only gains rows at the bottom keeps the
// same layout, so a new day costs no layout write.
func (tp *tabPlan) layout(sheetID int64) []*gsheets.Request {
	var reqs []*gsheets.Request
	t := tp.tab
	for col := 0; col < tp.cols; col++ {
		start, key := 0, ""
		var cur *gsheets.CellFormat
		flush := func(end int, last bool) {
			if cur == nil || end <= start {
				return
			}
			gr := &gsheets.GridRange{SheetId: sheetID, StartRowIndex: int64(start), StartColumnIndex: int64(col), EndColumnIndex: int64(col + 1)}
			if !last {
				gr.EndRowIndex = int64(end)
			}
			reqs = append(reqs, &gsheets.Request{RepeatCell: &gsheets.RepeatCellRequest{Range: gr,
				Cell: &gsheets.CellData{UserEnteredFormat: cur}, Fields: "userEnteredFormat"}})
		}
		for r := 0; r < tp.rows; r++ {
			var cell table.Cell
			if col < len(t.Rows[r]) {
				cell = t.Rows[r][col]
			}
			cf := cellFormat(cell, tp.wb)
			k := hashOf(cf)
			if r == 0 {
				cur, key = cf, k
				continue
			}
			if k != key {
				flush(r, false)
				start, cur, key = r, cf, k
			}
		}
		flush(tp.rows, true)
	}
	for c := 0; c < len(t.Columns); {
		w := t.Columns[c].Width
		end := c + 1
		for end < len(t.Columns) && t.Columns[end].Width == w {
			end++
		}
		if w > 0 {
			reqs = append(reqs, &gsheets.Request{UpdateDimensionProperties: &gsheets.UpdateDimensionPropertiesRequest{
				Range:      &gsheets.DimensionRange{SheetId: sheetID, Dimension: "COLUMNS", StartIndex: int64(c), EndIndex: int64(end)},
				Properties: &gsheets.DimensionProperties{PixelSize: int64(w)}, Fields: "pixelSize"}})
		}
		c = end
	}
	rule := 0
	for _, ch := range t.Changes {
		up, down := tp.changeRanges(sheetID, ch)
		for _, r := range []struct {
			ranges []*gsheets.GridRange
			cond   string
			colour *gsheets.Color
		}{
			{up, "NUMBER_GREATER", goodColour}, {up, "NUMBER_LESS", badColour},
			{down, "NUMBER_GREATER", badColour}, {down, "NUMBER_LESS", goodColour},
		} {
			if len(r.ranges) == 0 {
				continue
			}
			reqs = append(reqs, &gsheets.Request{AddConditionalFormatRule: &gsheets.AddConditionalFormatRuleRequest{
				Index: int64(rule), Rule: &gsheets.ConditionalFormatRule{Ranges: r.ranges, BooleanRule: &gsheets.BooleanRule{
					Condition: &gsheets.BooleanCondition{Type: r.cond, Values: []*gsheets.ConditionValue{{UserEnteredValue: "0"}}},
					Format:    &gsheets.CellFormat{TextFormat: &gsheets.TextFormat{ForegroundColor: r.colour, Bold: true}}}}}})
			rule++
		}
	}
	for i, ch := range t.Charts {
		reqs = append(reqs, &gsheets.Request{AddChart: &gsheets.AddChartRequest{Chart: tp.chart(sheetID, i, ch)}})
	}
	return reqs
}

// ruleCount is how many conditional format rules layout adds.
func ruleCount(reqs []*gsheets.Request) int {
	n := 0
	for _, r := range reqs {
		if r.AddConditionalFormatRule != nil {
			n++
		}
	}
	return n
}

// chartID numbers a tab's charts from its sheet id, so that a rewrite
// can delete them without reading the spreadsheet.
func chartID(sheetID int64, i int) int64 { return sheetID*100 + int64(i) + 1 }

// rowsRange is rows [first, last] of one column, open-ended when last is
// the tab's last row.
func (tp *tabPlan) rowsRange(sheetID int64, first, last, col int) *gsheets.GridRange {
	gr := &gsheets.GridRange{SheetId: sheetID, StartRowIndex: int64(first), StartColumnIndex: int64(col), EndColumnIndex: int64(col + 1)}
	if last < tp.rows-1 {
		gr.EndRowIndex = int64(last + 1)
	}
	return gr
}

// changeRanges splits a change column into the row runs where a rise is
// good news and those where it is bad.
func (tp *tabPlan) changeRanges(sheetID int64, ch table.ChangeColumn) (up, down []*gsheets.GridRange) {
	dir := func(r int) table.Direction {
		if i := r - ch.FirstRow; ch.RowDirections != nil && i < len(ch.RowDirections) {
			return ch.RowDirections[i]
		}
		return ch.Direction
	}
	for r := ch.FirstRow; r <= ch.LastRow; {
		d, end := dir(r), r
		for end+1 <= ch.LastRow && dir(end+1) == d {
			end++
		}
		gr := tp.rowsRange(sheetID, r, end, ch.Column)
		if end < ch.LastRow {
			gr.EndRowIndex = int64(end + 1)
		}
		if d == table.DownIsGood {
			down = append(down, gr)
		} else {
			up = append(up, gr)
		}
		r = end + 1
	}
	return up, down
}

func (tp *tabPlan) chart(sheetID int64, i int, ch table.Chart) *gsheets.EmbeddedChart {
	data := func(col int) *gsheets.ChartData {
		return &gsheets.ChartData{SourceRange: &gsheets.ChartSourceRange{Sources: []*gsheets.GridRange{
			tp.rowsRange(sheetID, ch.HeaderRow, ch.LastRow, col)}}}
	}
	right := map[int]bool{}
	for _, s := range ch.RightAxis {
		right[s] = true
	}
	bc := &gsheets.BasicChartSpec{ChartType: "LINE", LegendPosition: "BOTTOM_LEGEND", HeaderCount: 1,
		Axis:    []*gsheets.BasicChartAxis{{Position: "BOTTOM_AXIS"}, {Position: "LEFT_AXIS"}},
		Domains: []*gsheets.BasicChartDomain{{Domain: data(ch.DomainColumn)}}}
	if len(right) > 0 {
		bc.Axis = append(bc.Axis, &gsheets.BasicChartAxis{Position: "RIGHT_AXIS"})
	}
	for j, col := range ch.SeriesColumns {
		axis := "LEFT_AXIS"
		if right[j] {
			axis = "RIGHT_AXIS"
		}
		bc.Series = append(bc.Series, &gsheets.BasicChartSeries{Series: data(col), TargetAxis: axis})
	}
	return &gsheets.EmbeddedChart{ChartId: chartID(sheetID, i), Spec: &gsheets.ChartSpec{Title: ch.Title, BasicChart: bc},
		Position: &gsheets.EmbeddedObjectPosition{OverlayPosition: &gsheets.OverlayPosition{
			AnchorCell:  &gsheets.GridCoordinate{SheetId: sheetID, RowIndex: int64(ch.AnchorRow), ColumnIndex: int64(ch.AnchorColumn)},
			WidthPixels: 720, HeightPixels: 320}}}
}

// a1Range is the A1 range of rows × cols from A1 on the tab titled title.
func a1Range(title string, rows, cols int) string {
	return "'" + strings.ReplaceAll(title, "'", "''") + "'!A1:" + colName(cols-1) + fmt.Sprint(rows)
}

func colName(c int) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}
