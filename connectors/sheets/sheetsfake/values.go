package sheetsfake

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/api/sheets/v4"
)

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
