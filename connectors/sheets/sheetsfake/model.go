package sheetsfake

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/sheets/v4"
)

// Default grid of a new sheet, as Google makes it.
const (
	defaultRows    = 1000
	defaultColumns = 26
)

type spreadsheet struct {
	id     string
	props  sheets.SpreadsheetProperties
	sheets []*sheet
}

type sheet struct {
	props  sheets.SheetProperties
	cells  map[[2]int64]*cell // row, column
	widths map[int64]int64
	rules  []*sheets.ConditionalFormatRule
	charts []*sheets.EmbeddedChart
}

type cell struct {
	value   any // float64, string, bool or nil
	formula string
	format  *sheets.CellFormat
}

func newSheet(id int64, title string, index int64) *sheet {
	return &sheet{props: sheets.SheetProperties{SheetId: id, Title: title, Index: index, SheetType: "GRID",
		GridProperties: &sheets.GridProperties{RowCount: defaultRows, ColumnCount: defaultColumns}},
		cells: map[[2]int64]*cell{}, widths: map[int64]int64{}}
}

func newSpreadsheet(id, title string) *spreadsheet {
	return &spreadsheet{id: id, props: sheets.SpreadsheetProperties{Title: title, Locale: "en_US", TimeZone: "Etc/GMT",
		AutoRecalc: "ON_CHANGE"}, sheets: []*sheet{newSheet(0, "Sheet1", 0)}}
}

// clone copies the spreadsheet deeply enough that a failed batch leaves
// the original untouched: cells and rules are replaced, never mutated.
func (s *spreadsheet) clone() *spreadsheet {
	c := &spreadsheet{id: s.id, props: s.props}
	for _, sh := range s.sheets {
		n := &sheet{props: sh.props, cells: maps.Clone(sh.cells), widths: maps.Clone(sh.widths),
			rules: slices.Clone(sh.rules), charts: slices.Clone(sh.charts)}
		gp := *sh.props.GridProperties
		n.props.GridProperties = &gp
		for k, v := range n.cells {
			cv := *v
			n.cells[k] = &cv
		}
		c.sheets = append(c.sheets, n)
	}
	return c
}

func (s *spreadsheet) sheetByID(id int64) *sheet {
	for _, sh := range s.sheets {
		if sh.props.SheetId == id {
			return sh
		}
	}
	return nil
}

func (s *spreadsheet) sheetByTitle(title string) *sheet {
	for _, sh := range s.sheets {
		if strings.EqualFold(sh.props.Title, title) {
			return sh
		}
	}
	return nil
}

func (s *spreadsheet) reindex() {
	for i, sh := range s.sheets {
		sh.props.Index = int64(i)
	}
}

func (s *spreadsheet) json(baseURL string) *sheets.Spreadsheet {
	out := &sheets.Spreadsheet{SpreadsheetId: s.id, SpreadsheetUrl: baseURL + "/spreadsheets/d/" + s.id + "/edit"}
	p := s.props
	out.Properties = &p
	for _, sh := range s.sheets {
		props := sh.props
		out.Sheets = append(out.Sheets, &sheets.Sheet{Properties: &props, Charts: sh.charts, ConditionalFormats: sh.rules})
	}
	return out
}

// Snapshot is a spreadsheet as stored: what GET /_sandbox/sheets/{id}
// returns and what tests compare with the workbook they meant.
type Snapshot struct {
	ID       string          `json:"spreadsheetId"`
	Title    string          `json:"title"`
	Locale   string          `json:"locale"`
	TimeZone string          `json:"timeZone"`
	Sheets   []SheetSnapshot `json:"sheets"`
}

// SheetSnapshot is one sheet: values trimmed of empty trailing rows and
// columns, formulas and formats by A1 cell, widths by column index.
type SheetSnapshot struct {
	SheetID            int64                           `json:"sheetId"`
	Title              string                          `json:"title"`
	Index              int64                           `json:"index"`
	RowCount           int64                           `json:"rowCount"`
	ColumnCount        int64                           `json:"columnCount"`
	FrozenRows         int64                           `json:"frozenRowCount"`
	Values             [][]any                         `json:"values"`
	Formulas           map[string]string               `json:"formulas,omitempty"`
	Formats            map[string]*sheets.CellFormat   `json:"formats,omitempty"`
	ColumnWidths       map[int64]int64                 `json:"columnWidths,omitempty"`
	ConditionalFormats []*sheets.ConditionalFormatRule `json:"conditionalFormats,omitempty"`
	Charts             []*sheets.EmbeddedChart         `json:"charts,omitempty"`
}

// Value returns the value at A1 cell ref ("B3"), nil when empty.
func (s SheetSnapshot) Value(ref string) any {
	r, c, ok := parseCell(ref)
	if !ok || r >= int64(len(s.Values)) || c >= int64(len(s.Values[r])) {
		return nil
	}
	return s.Values[r][c]
}

// Sheet returns the sheet titled title, or nil.
func (s Snapshot) Sheet(title string) *SheetSnapshot {
	for i := range s.Sheets {
		if s.Sheets[i].Title == title {
			return &s.Sheets[i]
		}
	}
	return nil
}

// Spreadsheet returns a snapshot of spreadsheet id.
func (f *Fake) Spreadsheet(id string) (Snapshot, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.books[id]
	if b == nil {
		return Snapshot{}, false
	}
	out := Snapshot{ID: id, Title: b.props.Title, Locale: b.props.Locale, TimeZone: b.props.TimeZone}
	for _, sh := range b.sheets {
		ss := SheetSnapshot{SheetID: sh.props.SheetId, Title: sh.props.Title, Index: sh.props.Index,
			RowCount: sh.props.GridProperties.RowCount, ColumnCount: sh.props.GridProperties.ColumnCount,
			FrozenRows: sh.props.GridProperties.FrozenRowCount, Values: sh.values(func(c *cell) any { return c.value }),
			ConditionalFormats: slices.Clone(sh.rules), Charts: slices.Clone(sh.charts)}
		if len(sh.widths) > 0 {
			ss.ColumnWidths = maps.Clone(sh.widths)
		}
		for k, c := range sh.cells {
			if c.formula != "" {
				if ss.Formulas == nil {
					ss.Formulas = map[string]string{}
				}
				ss.Formulas[a1(k[0], k[1])] = c.formula
			}
			if c.format != nil && !isEmptyFormat(c.format) {
				if ss.Formats == nil {
					ss.Formats = map[string]*sheets.CellFormat{}
				}
				ss.Formats[a1(k[0], k[1])] = c.format
			}
		}
		out.Sheets = append(out.Sheets, ss)
	}
	return out, true
}

// SpreadsheetIDs lists the spreadsheets that exist.
func (f *Fake) SpreadsheetIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, id := range f.order {
		if f.books[id] != nil {
			out = append(out, id)
		}
	}
	return out
}

func isEmptyFormat(cf *sheets.CellFormat) bool {
	return cf.NumberFormat == nil && cf.TextFormat == nil && cf.BackgroundColor == nil && cf.HorizontalAlignment == ""
}

// values renders the sheet's cells as rows, trimmed of trailing empties.
func (sh *sheet) values(get func(*cell) any) [][]any {
	var maxR, maxC int64 = -1, -1
	for k, c := range sh.cells {
		if get(c) == nil || get(c) == "" {
			continue
		}
		maxR, maxC = max(maxR, k[0]), max(maxC, k[1])
	}
	out := make([][]any, maxR+1)
	for r := range out {
		row := make([]any, 0, maxC+1)
		last := -1
		for c := int64(0); c <= maxC; c++ {
			var v any
			if cl := sh.cells[[2]int64{int64(r), c}]; cl != nil {
				v = get(cl)
			}
			if v == nil {
				v = ""
			}
			row = append(row, v)
			if v != "" {
				last = int(c)
			}
		}
		out[r] = row[:last+1]
	}
	return out
}

// colName is the A1 name of column c (0-based).
func colName(c int64) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

func a1(r, c int64) string { return colName(c) + strconv.FormatInt(r+1, 10) }

var cellRE = regexp.MustCompile(`^([A-Za-z]{1,3})?([0-9]+)?$`)

// parseCell reads "B3" as row 2, column 1.
func parseCell(ref string) (row, col int64, ok bool) {
	m := cellRE.FindStringSubmatch(ref)
	if m == nil || m[1] == "" || m[2] == "" {
		return 0, 0, false
	}
	col, row = colIndex(m[1]), 0
	n, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil || n < 1 {
		return 0, 0, false
	}
	return n - 1, col, true
}

func colIndex(letters string) int64 {
	var c int64
	for _, ch := range strings.ToUpper(letters) {
		c = c*26 + int64(ch-'A'+1)
	}
	return c - 1
}

// a1Range is a parsed A1 range; end fields are exclusive, -1 unbounded.
type a1Range struct {
	title                    string
	r0, c0, r1, c1           int64
	hasStart, boundR, boundC bool
}

// parseA1 reads "'My tab'!A1:C10", "Tab!A1", "Tab!A:C" or "Tab".
func parseA1(s string) (a1Range, error) {
	var r a1Range
	title, cells := s, ""
	if strings.HasPrefix(s, "'") {
		end := -1
		for i := 1; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++
					continue
				}
				end = i
				break
			}
		}
		if end < 0 {
			return r, fmt.Errorf("unterminated quote")
		}
		title = strings.ReplaceAll(s[1:end], "''", "'")
		rest := s[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, "!") {
				return r, fmt.Errorf("want ! after the sheet name")
			}
			cells = rest[1:]
		}
	} else if i := strings.LastIndex(s, "!"); i >= 0 {
		title, cells = s[:i], s[i+1:]
	}
	r.title = title
	r.r1, r.c1 = -1, -1
	if cells == "" {
		return r, nil
	}
	from, to, two := strings.Cut(cells, ":")
	m0 := cellRE.FindStringSubmatch(from)
	if m0 == nil || (m0[1] == "" && m0[2] == "") {
		return r, fmt.Errorf("bad cell %q", from)
	}
	r.hasStart = true
	if m0[1] != "" {
		r.c0 = colIndex(m0[1])
	}
	if m0[2] != "" {
		n, _ := strconv.ParseInt(m0[2], 10, 64)
		if n < 1 {
			return r, fmt.Errorf("bad row in %q", from)
		}
		r.r0 = n - 1
	}
	if !two {
		if m0[1] == "" || m0[2] == "" {
			return r, fmt.Errorf("bad cell %q", from)
		}
		r.r1, r.c1, r.boundR, r.boundC = r.r0+1, r.c0+1, true, true
		return r, nil
	}
	m1 := cellRE.FindStringSubmatch(to)
	if m1 == nil || (m1[1] == "" && m1[2] == "") {
		return r, fmt.Errorf("bad cell %q", to)
	}
	if m1[1] != "" {
		r.c1, r.boundC = colIndex(m1[1])+1, true
	}
	if m1[2] != "" {
		n, _ := strconv.ParseInt(m1[2], 10, 64)
		r.r1, r.boundR = n, true
	}
	if r.boundR && r.r1 <= r.r0 || r.boundC && r.c1 <= r.c0 {
		return r, fmt.Errorf("range %q ends before it starts", cells)
	}
	return r, nil
}

// quoteTitle quotes a sheet title for A1 notation.
func quoteTitle(t string) string { return "'" + strings.ReplaceAll(t, "'", "''") + "'" }

// userEntered interprets a value as typed into a cell: a leading
// apostrophe forces text, "=" starts a formula, numbers, booleans and ISO
// dates are parsed.
func userEntered(v any) (value any, formula string) {
	s, ok := v.(string)
	if !ok {
		return v, ""
	}
	switch {
	case s == "":
		return nil, ""
	case strings.HasPrefix(s, "'"):
		return s[1:], ""
	case strings.HasPrefix(s, "="):
		return formulaValue(s), s
	case strings.EqualFold(s, "true"), strings.EqualFold(s, "false"):
		return strings.EqualFold(s, "true"), ""
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(n, 0) && !math.IsNaN(n) {
		return n, ""
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return float64(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24), ""
	}
	return s, ""
}

var hyperlinkRE = regexp.MustCompile(`^=HYPERLINK\("((?:[^"]|"")*)"\s*[,;]\s*"((?:[^"]|"")*)"\)$`)

// formulaValue computes what the fake can of a formula: HYPERLINK shows
// its label; other formulas are not evaluated.
func formulaValue(f string) any {
	if m := hyperlinkRE.FindStringSubmatch(f); m != nil {
		return strings.ReplaceAll(m[2], `""`, `"`)
	}
	return nil
}
