// Package table is a vendor-neutral model of a spreadsheet: a workbook of
// tabs holding typed cells, column widths, a frozen header, coloured change
// columns and line charts.
//
// Report builders (rules/report, rules/invoice) produce a Workbook from the
// store's data; the Sheets connector writes it to Google Sheets; the demo
// renders it to HTML and `liaison report -dry-run` prints it as aligned text.
// Keeping the model here, beside the other connector records, lets the pure
// builders and the vendor package agree on it without either importing the
// other.
package table

// Kind says how a cell's value is typed and formatted. The Sheets connector
// maps each kind to a number format; renderers format it for the workbook's
// locale.
type Kind int

// The kinds of cell.
const (
	Text     Kind = iota // Cell.Text as is
	Integer              // Cell.Num, no decimals: clicks, impressions
	Number               // Cell.Num with Cell.Decimals decimals: position, hours
	Percent              // Cell.Num as a fraction: 0.125 shows as 12.5 %
	Currency             // Cell.Num in the workbook's currency
	Date                 // Cell.Text as a civil date "2006-01-02"
	Link                 // Cell.Text is the label, Cell.URL the target
)

// Cell is one value. The zero Cell is an empty text cell.
type Cell struct {
	Kind     Kind
	Text     string  // Text, Date and Link
	Num      float64 // Integer, Number, Percent and Currency
	Decimals int     // Number and Percent: digits after the decimal point
	URL      string  // Link
	Bold     bool
	// Currency, when set, is the ISO 4217 code of this Currency cell,
	// overriding the workbook's: a finance tab lists clients billed in
	// different currencies.
	Currency string
	// Signed shows a plus sign on a positive number, for changes.
	Signed bool
	// Blank marks a numeric cell with no value (a change against a period
	// with no data): it renders empty, not as 0.
	Blank bool
	// Keep marks a text cell a person may rewrite in the spreadsheet (the
	// report's commentary): a publisher writes it only while it still
	// holds the text last written there, so a hand edit stays.
	Keep bool
}

// Column is the layout of one column.
type Column struct {
	Width int // pixels; 0 leaves the spreadsheet's default
}

// Direction says which sign of a change column is good news.
type Direction int

// Directions for ChangeColumn.
const (
	UpIsGood   Direction = iota // clicks, conversions: a rise is green
	DownIsGood                  // cost per conversion, position: a fall is green
)

// ChangeColumn colours a column of changes: green when the change is good
// news, red when bad, per row (rows in [FirstRow, LastRow], 0-based,
// inclusive). Direction may differ per row (a summary mixes spend and
// position), so it is given per row through RowDirections when set.
type ChangeColumn struct {
	Column            int
	FirstRow, LastRow int
	Direction         Direction
	// RowDirections, when not nil, overrides Direction for the row at
	// FirstRow+i.
	RowDirections []Direction
}

// Chart is a line chart over a block of the tab: the domain (dates) in one
// column and one series per other column, headed by HeaderRow, with data in
// rows (HeaderRow, LastRow]. Rows and columns are 0-based.
type Chart struct {
	Title         string
	HeaderRow     int
	LastRow       int
	DomainColumn  int
	SeriesColumns []int
	// RightAxis lists series (by position in SeriesColumns) drawn against a
	// second vertical axis: spend and clicks differ by orders of magnitude.
	RightAxis []int
	// AnchorRow and AnchorColumn place the chart's top-left corner.
	AnchorRow, AnchorColumn int
}

// Tab is one sheet of a workbook.
type Tab struct {
	// Key identifies the tab across runs and languages ("summary", "ads",
	// "2026-11"); Name is what the reader sees and may be localized.
	Key        string
	Name       string
	Rows       [][]Cell
	FrozenRows int
	Columns    []Column
	Changes    []ChangeColumn
	Charts     []Chart
}

// Workbook is one spreadsheet.
type Workbook struct {
	Title    string
	Locale   string // spreadsheet locale, e.g. "ru_RU", "uk_UA", "en_US"
	TimeZone string // IANA zone the spreadsheet shows times in
	Currency string // ISO 4217 code of every Currency cell
	Tabs     []Tab
	// Partial says the workbook is part of the spreadsheet: tabs already
	// there that it does not list are left as they are, and tabs it adds
	// go after them. A client's spreadsheet holds the current period's
	// tabs and one tab per earlier period, each written on its own.
	Partial bool
}

// Tab returns the tab with key, or nil.
func (w *Workbook) Tab(key string) *Tab {
	for i := range w.Tabs {
		if w.Tabs[i].Key == key {
			return &w.Tabs[i]
		}
	}
	return nil
}

// T returns a text cell.
func T(s string) Cell { return Cell{Kind: Text, Text: s} }

// B returns a bold text cell, for headers.
func B(s string) Cell { return Cell{Kind: Text, Text: s, Bold: true} }

// I returns an integer cell.
func I(n float64) Cell { return Cell{Kind: Integer, Num: n} }

// N returns a number cell with d decimals.
func N(x float64, d int) Cell { return Cell{Kind: Number, Num: x, Decimals: d} }

// P returns a percent cell for a fraction (0.125 is 12.5 %) with d decimals.
func P(x float64, d int) Cell { return Cell{Kind: Percent, Num: x, Decimals: d} }

// C returns a currency cell.
func C(x float64) Cell { return Cell{Kind: Currency, Num: x, Decimals: 2} }

// CC returns a currency cell in the currency with ISO 4217 code code.
func CC(x float64, code string) Cell {
	return Cell{Kind: Currency, Num: x, Decimals: 2, Currency: code}
}

// D returns a date cell for a civil date "2006-01-02".
func D(date string) Cell { return Cell{Kind: Date, Text: date} }

// L returns a link cell.
func L(label, url string) Cell { return Cell{Kind: Link, Text: label, URL: url} }

// Change returns a signed percent cell for the change from prev to cur
// with one decimal, blank when prev is zero (no base to compare with).
func Change(cur, prev float64) Cell {
	if prev == 0 {
		return Cell{Kind: Percent, Decimals: 1, Blank: true}
	}
	return Cell{Kind: Percent, Num: cur/prev - 1, Decimals: 1, Signed: true}
}
