package sheetsfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/sheets/v4"
)

func sheetsError(c *call, status int, msg string) {
	grpc := map[int]string{400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}[status]
	reason := map[int]string{400: "badRequest", 403: "forbidden", 404: "notFound"}[status]
	writeError(c.w, status, grpc, msg, "global", reason)
}

// bookLocked returns the spreadsheet behind a Sheets request, after the
// access check Drive's permissions imply. Sheets needs no
// supportsAllDrives and still serves trashed files.
func (f *Fake) bookLocked(c *call, write bool) *spreadsheet {
	id := c.r.PathValue("id")
	fl := f.files[id]
	b := f.books[id]
	if fl == nil || fl.deleted || b == nil {
		sheetsError(c, http.StatusNotFound, "Requested entity was not found.")
		return nil
	}
	role := f.roleLocked(fl, c.principal)
	if role == "" || write && !canWrite(role) {
		sheetsError(c, http.StatusForbidden, "The caller does not have permission")
		return nil
	}
	return b
}

func (f *Fake) sheetsCreate(c *call) {
	var in sheets.Spreadsheet
	if !c.decode(&in) {
		return
	}
	if isServiceAccount(c.principal) {
		// The file would live in the service account's own Drive, which
		// has no storage.
		sheetsError(c, http.StatusForbidden, "The caller does not have permission")
		return
	}
	title := "Untitled spreadsheet"
	f.mu.Lock()
	id := f.newIDLocked("1ss")
	b := newSpreadsheet(id, title)
	if in.Properties != nil {
		if in.Properties.Title != "" {
			b.props.Title = in.Properties.Title
		}
		if in.Properties.Locale != "" {
			b.props.Locale = in.Properties.Locale
		}
		if in.Properties.TimeZone != "" {
			b.props.TimeZone = in.Properties.TimeZone
		}
	}
	if len(in.Sheets) > 0 {
		b.sheets = nil
		for i, s := range in.Sheets {
			if s.Properties == nil {
				s.Properties = &sheets.SheetProperties{}
			}
			t := s.Properties.Title
			if t == "" {
				t = "Sheet" + strconv.Itoa(i+1)
			}
			b.sheets = append(b.sheets, newSheet(s.Properties.SheetId, t, int64(i)))
		}
	}
	now := f.clk.Now().UTC().Format(time.RFC3339Nano)
	fl := &file{meta: drive.File{Id: id, Name: b.props.Title, MimeType: MimeSpreadsheet, CreatedTime: now, ModifiedTime: now,
		Parents: []string{"root-" + permissionID(c.principal)}}, owner: strings.ToLower(c.principal),
		perms: []*drive.Permission{{Kind: "drive#permission", Id: permissionID(c.principal), Type: "user", Role: "owner", EmailAddress: c.principal}}}
	f.files[id] = fl
	f.order = append(f.order, id)
	f.books[id] = b
	out := b.json(f.baseURL)
	hook := f.createHook
	f.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	c.writeJSON(out)
}

func (f *Fake) sheetsGet(c *call) {
	if c.boolParam("includeGridData") || c.q["ranges"] != "" {
		sheetsError(c, http.StatusBadRequest, "sheetsfake: includeGridData and ranges are not served; read values with values.get")
		return
	}
	f.mu.Lock()
	b := f.bookLocked(c, false)
	if b == nil {
		f.mu.Unlock()
		return
	}
	out := b.json(f.baseURL)
	f.mu.Unlock()
	c.writeJSON(out)
}

func (f *Fake) sheetsBatchUpdate(c *call) {
	body, err := io.ReadAll(c.r.Body)
	if err != nil {
		sheetsError(c, http.StatusBadRequest, "reading body: "+err.Error())
		return
	}
	c.r.Body = io.NopCloser(bytes.NewReader(body))
	var in sheets.BatchUpdateSpreadsheetRequest
	if !c.decode(&in) {
		return
	}
	// Absent and zero differ for a new sheet's index (absent appends),
	// which the decoded struct cannot tell.
	var raw struct {
		Requests []struct {
			AddSheet *struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"addSheet"`
		} `json:"requests"`
	}
	_ = json.Unmarshal(body, &raw)
	if in.IncludeSpreadsheetInResponse || len(in.ResponseRanges) > 0 || in.ResponseIncludeGridData {
		sheetsError(c, http.StatusBadRequest, "sheetsfake: includeSpreadsheetInResponse is not served")
		return
	}
	if len(in.Requests) == 0 {
		sheetsError(c, http.StatusBadRequest, "Must specify at least one request.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.bookLocked(c, true)
	if b == nil {
		return
	}
	work := b.clone()
	replies := make([]*sheets.Response, len(in.Requests))
	for i, req := range in.Requests {
		indexGiven := false
		if i < len(raw.Requests) && raw.Requests[i].AddSheet != nil {
			_, indexGiven = raw.Requests[i].AddSheet.Properties["index"]
		}
		reply, err := work.apply(req, indexGiven)
		if err != nil {
			sheetsError(c, http.StatusBadRequest, fmt.Sprintf("Invalid requests[%d].%v", i, err))
			return
		}
		replies[i] = reply
	}
	f.books[b.id] = work
	if fl := f.files[b.id]; fl != nil {
		fl.meta.Name = work.props.Title
		fl.meta.ModifiedTime = f.clk.Now().UTC().Format(time.RFC3339Nano)
	}
	c.writeJSON(&sheets.BatchUpdateSpreadsheetResponse{SpreadsheetId: b.id, Replies: replies})
}

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
				i := int(min(max(r.Properties.Index, 0), int64(len(s.sheets)-1)))
				s.sheets = slices.DeleteFunc(s.sheets, func(x *sheet) bool { return x == sh })
				s.sheets = slices.Insert(s.sheets, i, sh)
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

func (f *Fake) valuesBatchUpdate(c *call) {
	var in sheets.BatchUpdateValuesRequest
	if !c.decode(&in) {
		return
	}
	if in.ValueInputOption != "RAW" && in.ValueInputOption != "USER_ENTERED" {
		sheetsError(c, http.StatusBadRequest, "'valueInputOption' is required but not specified")
		return
	}
	if in.IncludeValuesInResponse {
		sheetsError(c, http.StatusBadRequest, "sheetsfake: includeValuesInResponse is not served")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.bookLocked(c, true)
	if b == nil {
		return
	}
	work := b.clone()
	out := &sheets.BatchUpdateValuesResponse{SpreadsheetId: b.id}
	touched := map[int64]bool{}
	for _, vr := range in.Data {
		resp, sh, err := work.writeValues(vr, in.ValueInputOption)
		if err != nil {
			sheetsError(c, http.StatusBadRequest, err.Error())
			return
		}
		touched[sh.props.SheetId] = true
		out.Responses = append(out.Responses, resp)
		out.TotalUpdatedCells += resp.UpdatedCells
		out.TotalUpdatedRows += resp.UpdatedRows
		out.TotalUpdatedColumns += resp.UpdatedColumns
	}
	out.TotalUpdatedSheets = int64(len(touched))
	f.books[b.id] = work
	c.writeJSON(out)
}

func (s *spreadsheet) writeValues(vr *sheets.ValueRange, option string) (*sheets.UpdateValuesResponse, *sheet, error) {
	if vr == nil || vr.Range == "" {
		return nil, nil, fmt.Errorf("data[].range is required")
	}
	if vr.MajorDimension != "" && vr.MajorDimension != "ROWS" {
		return nil, nil, fmt.Errorf("sheetsfake serves majorDimension ROWS only")
	}
	rg, err := parseA1(vr.Range)
	if err != nil {
		return nil, nil, fmt.Errorf("Unable to parse range: %s", vr.Range)
	}
	sh := s.sheetByTitle(rg.title)
	if sh == nil {
		return nil, nil, fmt.Errorf("Unable to parse range: %s", vr.Range)
	}
	gp := sh.props.GridProperties
	rows := int64(len(vr.Values))
	var cols int64
	for _, r := range vr.Values {
		cols = max(cols, int64(len(r)))
	}
	if rg.boundR && rg.r0+rows > rg.r1 {
		return nil, nil, fmt.Errorf("Requested writing within range [%s], but tried writing to row [%d]", vr.Range, rg.r1+1)
	}
	if rg.boundC && rg.c0+cols > rg.c1 {
		return nil, nil, fmt.Errorf("Requested writing within range [%s], but tried writing to column [%s]", vr.Range, colName(rg.c1))
	}
	if rows > 0 && (rg.r0+rows > gp.RowCount || rg.c0+cols > gp.ColumnCount) {
		return nil, nil, fmt.Errorf("Range (%s!%s) exceeds grid limits. Max rows: %d, max columns: %d",
			quoteTitle(sh.props.Title), a1(rg.r0+rows-1, rg.c0+cols-1), gp.RowCount, gp.ColumnCount)
	}
	var cells int64
	for i, r := range vr.Values {
		for j, v := range r {
			if v == nil {
				continue // null leaves the cell as it is
			}
			k := [2]int64{rg.r0 + int64(i), rg.c0 + int64(j)}
			n := &cell{}
			if old := sh.cells[k]; old != nil {
				n.format = old.format
			}
			switch x := v.(type) {
			case float64, bool:
				n.value = x
			case string:
				if option == "RAW" {
					if x != "" {
						n.value = x
					}
				} else {
					n.value, n.formula = userEntered(x)
				}
			default:
				return nil, nil, fmt.Errorf("Invalid values[%d][%d]: %T", i, j, v)
			}
			if n.value == nil && n.formula == "" && n.format == nil {
				delete(sh.cells, k)
			} else {
				sh.cells[k] = n
			}
			cells++
		}
	}
	updated := quoteTitle(sh.props.Title)
	if rows > 0 && cols > 0 {
		updated += "!" + a1(rg.r0, rg.c0) + ":" + a1(rg.r0+rows-1, rg.c0+cols-1)
	}
	return &sheets.UpdateValuesResponse{SpreadsheetId: s.id, UpdatedRange: updated, UpdatedRows: rows,
		UpdatedColumns: cols, UpdatedCells: cells}, sh, nil
}

func (f *Fake) valuesGet(c *call) {
	f.mu.Lock()
	b := f.bookLocked(c, false)
	if b == nil {
		f.mu.Unlock()
		return
	}
	vr, err := b.readValues(c.r.PathValue("range"), c.q["valueRenderOption"], c.q["majorDimension"])
	f.mu.Unlock()
	if err != nil {
		sheetsError(c, http.StatusBadRequest, err.Error())
		return
	}
	c.writeJSON(vr)
}

func (f *Fake) valuesBatchGet(c *call) {
	f.mu.Lock()
	b := f.bookLocked(c, false)
	if b == nil {
		f.mu.Unlock()
		return
	}
	out := &sheets.BatchGetValuesResponse{SpreadsheetId: b.id}
	for _, rg := range strings.Split(c.q["ranges"], "\x00") {
		if rg == "" {
			continue
		}
		vr, err := b.readValues(rg, c.q["valueRenderOption"], c.q["majorDimension"])
		if err != nil {
			f.mu.Unlock()
			sheetsError(c, http.StatusBadRequest, err.Error())
			return
		}
		out.ValueRanges = append(out.ValueRanges, vr)
	}
	f.mu.Unlock()
	c.writeJSON(out)
}

func (s *spreadsheet) readValues(rangeA1, render, major string) (*sheets.ValueRange, error) {
	if major != "" && major != "ROWS" {
		return nil, fmt.Errorf("sheetsfake serves majorDimension ROWS only")
	}
	if !slices.Contains([]string{"", "FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"}, render) {
		return nil, fmt.Errorf("Invalid value at 'value_render_option' (%s)", render)
	}
	rg, err := parseA1(rangeA1)
	if err != nil {
		return nil, fmt.Errorf("Unable to parse range: %s", rangeA1)
	}
	sh := s.sheetByTitle(rg.title)
	if sh == nil {
		return nil, fmt.Errorf("Unable to parse range: %s", rangeA1)
	}
	get := func(cl *cell) any {
		switch {
		case render == "FORMULA" && cl.formula != "":
			return cl.formula
		case render == "UNFORMATTED_VALUE":
			return cl.value
		}
		// The fake formats numbers plainly; number formats are not applied.
		switch v := cl.value.(type) {
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			return strings.ToUpper(strconv.FormatBool(v))
		}
		return cl.value
	}
	all := sh.values(get)
	r1, c1 := int64(len(all)), int64(0)
	for _, r := range all {
		c1 = max(c1, int64(len(r)))
	}
	if rg.boundR {
		r1 = min(r1, rg.r1)
	}
	if rg.boundC {
		c1 = min(c1, rg.c1)
	}
	var vals [][]any
	for r := rg.r0; r < r1; r++ {
		row := all[r]
		var out []any
		for c := rg.c0; c < min(c1, int64(len(row))); c++ {
			out = append(out, row[c])
		}
		vals = append(vals, out)
	}
	for len(vals) > 0 && len(vals[len(vals)-1]) == 0 {
		vals = vals[:len(vals)-1]
	}
	return &sheets.ValueRange{Range: rangeA1, MajorDimension: "ROWS", Values: vals}, nil
}
