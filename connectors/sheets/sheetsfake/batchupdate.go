package sheetsfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/sheets/v4"
)

// requestKind names the one field set in a Request.
func requestKind(req *sheets.Request) (string, error) {
	raw, _ := json.Marshal(req)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	if len(m) == 0 {
		return "", fmt.Errorf("No request set")
	}
	if len(m) > 1 {
		return "", fmt.Errorf("oneof field 'kind' is already set. Cannot set more than one kind")
	}
	for k := range m {
		return k, nil
	}
	return "", nil
}

// fieldSet splits a field mask such as "title,gridProperties.frozenRowCount".
func fieldSet(kind, fields string) ([]string, error) {
	if strings.TrimSpace(fields) == "" {
		return nil, fmt.Errorf("%s: At least one field must be updated. Specify 'fields' to update", kind)
	}
	var out []string
	for _, p := range strings.Split(fields, ",") {
		out = append(out, strings.TrimSpace(p))
	}
	return out, nil
}

func (s *spreadsheet) apply(req *sheets.Request, indexGiven bool) (*sheets.Response, error) {
	kind, err := requestKind(req)
	if err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) (*sheets.Response, error) {
		return nil, fmt.Errorf("%s: %s", kind, fmt.Sprintf(format, args...))
	}
	switch kind {
	case "updateSpreadsheetProperties":
		r := req.UpdateSpreadsheetProperties
		fields, err := fieldSet(kind, r.Fields)
		if err != nil {
			return nil, err
		}
		if r.Properties == nil {
			return fail("properties is required")
		}
		for _, fl := range fields {
			switch fl {
			case "title":
				if r.Properties.Title == "" {
					return fail("title must not be empty")
				}
				s.props.Title = r.Properties.Title
			case "locale":
				s.props.Locale = r.Properties.Locale
			case "timeZone":
				if _, err := time.LoadLocation(r.Properties.TimeZone); err != nil || r.Properties.TimeZone == "" {
					return fail("Invalid timeZone %q", r.Properties.TimeZone)
				}
				s.props.TimeZone = r.Properties.TimeZone
			default:
				return fail("sheetsfake does not serve field %q", fl)
			}
		}
		return &sheets.Response{}, nil
	case "addSheet":
		p := req.AddSheet.Properties
		if p == nil {
			p = &sheets.SheetProperties{}
		}
		switch {
		case p.SheetId == 0 && s.sheetByID(0) != nil:
			p.SheetId = s.freeSheetID()
		case s.sheetByID(p.SheetId) != nil:
			return fail("Sheet with id %d already exists", p.SheetId)
		}
		if p.SheetId < 0 {
			return fail("sheetId must not be negative")
		}
		title := p.Title
		if title == "" {
			title = "Sheet" + strconv.Itoa(len(s.sheets)+1)
		}
		if s.sheetByTitle(title) != nil {
			return fail("A sheet with the name \"%s\" already exists. Please enter another name.", title)
		}
		sh := newSheet(p.SheetId, title, int64(len(s.sheets)))
		if gp := p.GridProperties; gp != nil {
			if gp.RowCount > 0 {
				sh.props.GridProperties.RowCount = gp.RowCount
			}
			if gp.ColumnCount > 0 {
				sh.props.GridProperties.ColumnCount = gp.ColumnCount
			}
			sh.props.GridProperties.FrozenRowCount = gp.FrozenRowCount
			if gp.FrozenRowCount >= sh.props.GridProperties.RowCount {
				return fail("You can't freeze all visible rows on the sheet.")
			}
		}
		idx := int64(len(s.sheets))
		if indexGiven && p.Index >= 0 && p.Index < idx {
			idx = p.Index
		}
		s.sheets = slices.Insert(s.sheets, int(idx), sh)
		s.reindex()
		props := sh.props
		return &sheets.Response{AddSheet: &sheets.AddSheetResponse{Properties: &props}}, nil
	case "deleteSheet":
		if s.sheetByID(req.DeleteSheet.SheetId) == nil {
			return fail("No grid with id: %d", req.DeleteSheet.SheetId)
		}
		if len(s.sheets) == 1 {
			return fail("You can't remove all the sheets in a document.")
		}
		s.sheets = slices.DeleteFunc(s.sheets, func(sh *sheet) bool { return sh.props.SheetId == req.DeleteSheet.SheetId })
		s.reindex()
		return &sheets.Response{}, nil
	case "updateSheetProperties":
		r := req.UpdateSheetProperties
		fields, err := fieldSet(kind, r.Fields)
		if err != nil {
			return nil, err
		}
		if r.Properties == nil {
			return fail("properties is required")
		}
		sh := s.sheetByID(r.Properties.SheetId)
		if sh == nil {
			return fail("No grid with id: %d", r.Properties.SheetId)
		}
		gp := r.Properties.GridProperties
		if gp == nil {
			gp = &sheets.GridProperties{}
		}
		for _, fl := range fields {
			switch fl {
			case "title":
				if o := s.sheetByTitle(r.Properties.Title); o != nil && o != sh {
					return fail("A sheet with the name \"%s\" already exists. Please enter another name.", r.Properties.Title)
				}
				if r.Properties.Title == "" {
					return fail("title must not be empty")
				}
				sh.props.Title = r.Properties.Title
			case "index":
				// Sheets counts the target index before the move: to move
				// the first of three sheets behind the second, index is 2.
				cur := int(sh.props.Index)
				i := int(min(max(r.Properties.Index, 0), int64(len(s.sheets))))
				if i > cur {
					i--
				}
				s.sheets = slices.DeleteFunc(s.sheets, func(x *sheet) bool { return x == sh })
				s.sheets = slices.Insert(s.sheets, min(i, len(s.sheets)), sh)
				s.reindex()
			case "gridProperties.frozenRowCount":
				sh.props.GridProperties.FrozenRowCount = gp.FrozenRowCount
			case "gridProperties.frozenColumnCount":
				sh.props.GridProperties.FrozenColumnCount = gp.FrozenColumnCount
			case "gridProperties.rowCount":
				if gp.RowCount < 1 {
					return fail("rowCount must be positive")
				}
				sh.props.GridProperties.RowCount = gp.RowCount
			case "gridProperties.columnCount":
				if gp.ColumnCount < 1 {
					return fail("columnCount must be positive")
				}
				sh.props.GridProperties.ColumnCount = gp.ColumnCount
			default:
				return fail("sheetsfake does not serve field %q", fl)
			}
		}
		if sh.props.GridProperties.FrozenRowCount >= sh.props.GridProperties.RowCount {
			return fail("You can't freeze all visible rows on the sheet.")
		}
		sh.trim()
		return &sheets.Response{}, nil
	case "updateDimensionProperties":
		r := req.UpdateDimensionProperties
		if r.Range == nil || r.Properties == nil {
			return fail("range and properties are required")
		}
		if r.Range.Dimension != "COLUMNS" {
			return fail("sheetsfake serves column widths only, not %q", r.Range.Dimension)
		}
		if r.Fields != "pixelSize" {
			return fail("sheetsfake serves fields pixelSize only, not %q", r.Fields)
		}
		sh := s.sheetByID(r.Range.SheetId)
		if sh == nil {
			return fail("No grid with id: %d", r.Range.SheetId)
		}
		end := r.Range.EndIndex
		if end == 0 {
			end = sh.props.GridProperties.ColumnCount
		}
		if r.Range.StartIndex < 0 || end > sh.props.GridProperties.ColumnCount || end <= r.Range.StartIndex {
			return fail("Invalid dimension range [%d, %d) on a sheet of %d columns", r.Range.StartIndex, end, sh.props.GridProperties.ColumnCount)
		}
		for c := r.Range.StartIndex; c < end; c++ {
			sh.widths[c] = r.Properties.PixelSize
		}
		return &sheets.Response{}, nil
	case "repeatCell":
		r := req.RepeatCell
		sh, gr, err := s.gridRange(r.Range)
		if err != nil {
			return fail("%v", err)
		}
		paths, err := formatPaths(r.Fields)
		if err != nil {
			return fail("%v", err)
		}
		var src *sheets.CellFormat
		if r.Cell != nil {
			if r.Cell.UserEnteredValue != nil {
				return fail("sheetsfake writes values through spreadsheets.values only")
			}
			src = r.Cell.UserEnteredFormat
		}
		for row := gr[0]; row < gr[1]; row++ {
			for col := gr[2]; col < gr[3]; col++ {
				sh.setFormat(row, col, paths, src)
			}
		}
		return &sheets.Response{}, nil
	case "updateCells":
		r := req.UpdateCells
		paths, err := formatPaths(r.Fields)
		if err != nil {
			return fail("%v", err)
		}
		var sh *sheet
		var r0, c0 int64
		switch {
		case r.Range != nil && r.Start != nil:
			return fail("give range or start, not both")
		case r.Range != nil:
			var gr [4]int64
			sh, gr, err = s.gridRange(r.Range)
			if err != nil {
				return fail("%v", err)
			}
			for row := gr[0]; row < gr[1]; row++ {
				for col := gr[2]; col < gr[3]; col++ {
					sh.setFormat(row, col, paths, nil)
				}
			}
			r0, c0 = gr[0], gr[2]
		case r.Start != nil:
			if sh = s.sheetByID(r.Start.SheetId); sh == nil {
				return fail("No grid with id: %d", r.Start.SheetId)
			}
			r0, c0 = r.Start.RowIndex, r.Start.ColumnIndex
		default:
			return fail("range or start is required")
		}
		gp := sh.props.GridProperties
		for i, rd := range r.Rows {
			for j, cd := range rd.Values {
				row, col := r0+int64(i), c0+int64(j)
				if row >= gp.RowCount || col >= gp.ColumnCount {
					return fail("Range (%s!%s) exceeds grid limits. Max rows: %d, max columns: %d", quoteTitle(sh.props.Title), a1(row, col), gp.RowCount, gp.ColumnCount)
				}
				var src *sheets.CellFormat
				if cd != nil {
					if cd.UserEnteredValue != nil {
						return fail("sheetsfake writes values through spreadsheets.values only")
					}
					src = cd.UserEnteredFormat
				}
				sh.setFormat(row, col, paths, src)
			}
		}
		return &sheets.Response{}, nil
	case "addConditionalFormatRule":
		r := req.AddConditionalFormatRule
		if r.Rule == nil || len(r.Rule.Ranges) == 0 {
			return fail("rule.ranges is required")
		}
		if r.Rule.BooleanRule == nil || r.Rule.BooleanRule.Condition == nil || r.Rule.BooleanRule.Format == nil {
			return fail("sheetsfake serves boolean rules with a condition and a format")
		}
		var sh *sheet
		for _, gr := range r.Rule.Ranges {
			s2, _, err := s.gridRange(gr)
			if err != nil {
				return fail("%v", err)
			}
			if sh != nil && s2 != sh {
				return fail("All ranges of a conditional format rule must be on the same sheet.")
			}
			sh = s2
		}
		i := int(r.Index)
		if i < 0 || i > len(sh.rules) {
			return fail("index %d out of range", i)
		}
		sh.rules = slices.Insert(sh.rules, i, r.Rule)
		return &sheets.Response{}, nil
	case "deleteConditionalFormatRule":
		r := req.DeleteConditionalFormatRule
		sh := s.sheetByID(r.SheetId)
		if sh == nil {
			return fail("No grid with id: %d", r.SheetId)
		}
		if r.Index < 0 || int(r.Index) >= len(sh.rules) {
			return fail("No conditional format on sheet: %d at index: %d", r.SheetId, r.Index)
		}
		sh.rules = slices.Delete(sh.rules, int(r.Index), int(r.Index)+1)
		return &sheets.Response{}, nil
	case "addChart":
		ch := req.AddChart.Chart
		if ch == nil || ch.Spec == nil || ch.Position == nil {
			return fail("chart with spec and position is required")
		}
		if ch.Spec.BasicChart == nil {
			return fail("sheetsfake serves basic charts only")
		}
		bc := ch.Spec.BasicChart
		if !slices.Contains([]string{"BAR", "LINE", "AREA", "COLUMN", "SCATTER", "COMBO", "STEPPED_AREA"}, bc.ChartType) {
			return fail("Invalid chartType %q", bc.ChartType)
		}
		if len(bc.Series) == 0 {
			return fail("A basic chart needs at least one series.")
		}
		check := func(cd *sheets.ChartData) error {
			if cd == nil || cd.SourceRange == nil || len(cd.SourceRange.Sources) == 0 {
				return fmt.Errorf("chart data needs a source range")
			}
			for _, gr := range cd.SourceRange.Sources {
				if _, _, err := s.gridRange(gr); err != nil {
					return err
				}
			}
			return nil
		}
		for _, d := range bc.Domains {
			if err := check(d.Domain); err != nil {
				return fail("%v", err)
			}
		}
		for _, se := range bc.Series {
			if err := check(se.Series); err != nil {
				return fail("%v", err)
			}
			if !slices.Contains([]string{"", "LEFT_AXIS", "RIGHT_AXIS", "BOTTOM_AXIS"}, se.TargetAxis) {
				return fail("Invalid targetAxis %q", se.TargetAxis)
			}
		}
		op := ch.Position.OverlayPosition
		if op == nil || op.AnchorCell == nil {
			return fail("sheetsfake serves overlay positions only")
		}
		sh := s.sheetByID(op.AnchorCell.SheetId)
		if sh == nil {
			return fail("No grid with id: %d", op.AnchorCell.SheetId)
		}
		if ch.ChartId == 0 {
			ch.ChartId = s.freeObjectID()
		} else if s.chartSheet(ch.ChartId) != nil {
			return fail("An object with id %d already exists.", ch.ChartId)
		}
		sh.charts = append(sh.charts, ch)
		return &sheets.Response{AddChart: &sheets.AddChartResponse{Chart: ch}}, nil
	case "deleteEmbeddedObject":
		id := req.DeleteEmbeddedObject.ObjectId
		sh := s.chartSheet(id)
		if sh == nil {
			return fail("No embedded object with id: %d", id)
		}
		sh.charts = slices.DeleteFunc(sh.charts, func(c *sheets.EmbeddedChart) bool { return c.ChartId == id })
		return &sheets.Response{}, nil
	}
	return fail("sheetsfake does not serve this request kind")
}

func (s *spreadsheet) freeSheetID() int64 {
	for id := int64(1); ; id++ {
		if s.sheetByID(id) == nil {
			return id
		}
	}
}

func (s *spreadsheet) freeObjectID() int64 {
	for id := int64(1000001); ; id++ {
		if s.chartSheet(id) == nil {
			return id
		}
	}
}

func (s *spreadsheet) chartSheet(id int64) *sheet {
	for _, sh := range s.sheets {
		for _, c := range sh.charts {
			if c.ChartId == id {
				return sh
			}
		}
	}
	return nil
}

// gridRange resolves a GridRange to its sheet and [r0, r1, c0, c1),
// unbounded ends reaching the grid's edge.
func (s *spreadsheet) gridRange(gr *sheets.GridRange) (*sheet, [4]int64, error) {
	var out [4]int64
	if gr == nil {
		return nil, out, fmt.Errorf("range is required")
	}
	sh := s.sheetByID(gr.SheetId)
	if sh == nil {
		return nil, out, fmt.Errorf("No grid with id: %d", gr.SheetId)
	}
	gp := sh.props.GridProperties
	out = [4]int64{gr.StartRowIndex, gr.EndRowIndex, gr.StartColumnIndex, gr.EndColumnIndex}
	if out[1] == 0 {
		out[1] = gp.RowCount
	}
	if out[3] == 0 {
		out[3] = gp.ColumnCount
	}
	if out[0] < 0 || out[2] < 0 || out[1] > gp.RowCount || out[3] > gp.ColumnCount {
		return nil, out, fmt.Errorf("Range (%s!%s:%s) exceeds grid limits. Max rows: %d, max columns: %d",
			quoteTitle(sh.props.Title), a1(out[0], out[2]), a1(out[1]-1, out[3]-1), gp.RowCount, gp.ColumnCount)
	}
	if out[1] <= out[0] || out[3] <= out[2] {
		return nil, out, fmt.Errorf("empty range")
	}
	return sh, out, nil
}

// formatPaths checks a cell field mask; the fake serves formats only
// (values go through spreadsheets.values).
func formatPaths(fields string) ([]string, error) {
	if strings.TrimSpace(fields) == "" {
		return nil, fmt.Errorf("At least one field must be updated. Specify 'fields' to update")
	}
	known := []string{"userEnteredValue", "userEnteredFormat", "userEnteredFormat.numberFormat", "userEnteredFormat.textFormat",
		"userEnteredFormat.textFormat.bold", "userEnteredFormat.backgroundColor", "userEnteredFormat.horizontalAlignment"}
	var out []string
	for _, p := range strings.Split(fields, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(known, p) {
			return nil, fmt.Errorf("sheetsfake does not serve cell field %q", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// setFormat sets the masked parts of a cell's format from src (nil
// clears them).
func (sh *sheet) setFormat(row, col int64, paths []string, src *sheets.CellFormat) {
	if src == nil {
		src = &sheets.CellFormat{}
	}
	k := [2]int64{row, col}
	old := sh.cells[k]
	var cf sheets.CellFormat
	if old != nil && old.format != nil {
		cf = *old.format
	}
	clearValue := false
	for _, p := range paths {
		switch p {
		case "userEnteredValue":
			clearValue = true
		case "userEnteredFormat":
			cf = *src
		case "userEnteredFormat.numberFormat":
			cf.NumberFormat = src.NumberFormat
		case "userEnteredFormat.textFormat":
			cf.TextFormat = src.TextFormat
		case "userEnteredFormat.textFormat.bold":
			var tf sheets.TextFormat
			if cf.TextFormat != nil {
				tf = *cf.TextFormat
			}
			tf.Bold = src.TextFormat != nil && src.TextFormat.Bold
			cf.TextFormat = &tf
		case "userEnteredFormat.backgroundColor":
			cf.BackgroundColor = src.BackgroundColor
		case "userEnteredFormat.horizontalAlignment":
			cf.HorizontalAlignment = src.HorizontalAlignment
		}
	}
	if cf.TextFormat != nil {
		if raw, _ := json.Marshal(cf.TextFormat); string(raw) == "{}" {
			cf.TextFormat = nil
		}
	}
	n := &cell{}
	if old != nil {
		*n = *old
	}
	n.format = &cf
	if clearValue {
		n.value, n.formula = nil, ""
	}
	if isEmptyFormat(&cf) {
		n.format = nil
	}
	if n.format == nil && n.value == nil && n.formula == "" {
		delete(sh.cells, k)
		return
	}
	sh.cells[k] = n
}

// trim drops cells outside a shrunk grid.
func (sh *sheet) trim() {
	gp := sh.props.GridProperties
	for k := range sh.cells {
		if k[0] >= gp.RowCount || k[1] >= gp.ColumnCount {
			delete(sh.cells, k)
		}
	}
}
