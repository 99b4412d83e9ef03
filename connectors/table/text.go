package table

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// WriteText prints the workbook as aligned plain text, tab after tab:
// what `liaison report -dry-run` shows and what golden tests compare. Each
// column is as wide as its widest cell (rows of a single cell, such as
// titles and notes, do not widen it); numbers are right-aligned, text
// left-aligned; links show their target in angle brackets. Charts and
// coloured change columns are listed under the tab's rows.
func WriteText(w io.Writer, wb *Workbook) error {
	bw := bufio.NewWriter(w)
	f := NewFormatter(wb.Locale, wb.Currency)
	fmt.Fprintf(bw, "# %s\n", wb.Title)
	cur := wb.Currency
	if cur == "" {
		cur = "per cell"
	}
	fmt.Fprintf(bw, "locale %s, currency %s, time zone %s\n", wb.Locale, cur, wb.TimeZone)
	for i := range wb.Tabs {
		writeTab(bw, f, &wb.Tabs[i])
	}
	return bw.Flush()
}

func writeTab(w *bufio.Writer, f *Formatter, t *Tab) {
	fmt.Fprintf(w, "\n## %s [%s]\n", t.Name, t.Key)
	texts := make([][]string, len(t.Rows))
	var widths []int
	for r, row := range t.Rows {
		texts[r] = make([]string, len(row))
		for c, cell := range row {
			s := f.Format(cell)
			if cell.Kind == Link && cell.URL != "" {
				s += " <" + cell.URL + ">"
			}
			texts[r][c] = s
			if len(row) < 2 {
				continue
			}
			for len(widths) <= c {
				widths = append(widths, 0)
			}
			widths[c] = max(widths[c], utf8.RuneCountInString(s))
		}
	}
	for r, row := range t.Rows {
		if t.FrozenRows > 0 && r == t.FrozenRows {
			w.WriteString(strings.Repeat("-", sum(widths)+2*max(len(widths)-1, 0)) + "\n")
		}
		var line strings.Builder
		for c, s := range texts[r] {
			if c > 0 {
				line.WriteString("  ")
			}
			if len(row) < 2 {
				line.WriteString(s)
				continue
			}
			pad := strings.Repeat(" ", widths[c]-utf8.RuneCountInString(s))
			if numeric(row[c].Kind) {
				line.WriteString(pad + s)
			} else if c < len(row)-1 {
				line.WriteString(s + pad)
			} else {
				line.WriteString(s)
			}
		}
		w.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	for _, ch := range t.Changes {
		fmt.Fprintf(w, "colours: column %d, rows %d-%d: %s\n", ch.Column+1, ch.FirstRow+1, ch.LastRow+1, directions(ch))
	}
	for _, ch := range t.Charts {
		var names []string
		for i, c := range ch.SeriesColumns {
			n := headerText(t, ch.HeaderRow, c)
			for _, r := range ch.RightAxis {
				if r == i {
					n += " (right axis)"
				}
			}
			names = append(names, n)
		}
		fmt.Fprintf(w, "chart %q: line of %s by %s, rows %d-%d\n", ch.Title, strings.Join(names, ", "),
			headerText(t, ch.HeaderRow, ch.DomainColumn), ch.HeaderRow+2, ch.LastRow+1)
	}
}

func headerText(t *Tab, row, col int) string {
	if row < len(t.Rows) && col < len(t.Rows[row]) {
		return t.Rows[row][col].Text
	}
	return fmt.Sprintf("column %d", col+1)
}

// directions says, per row, which change is good news: "↑" when a rise is,
// "↓" when a fall is.
func directions(ch ChangeColumn) string {
	arrow := func(d Direction) string {
		if d == DownIsGood {
			return "↓"
		}
		return "↑"
	}
	if ch.RowDirections == nil {
		return "good " + arrow(ch.Direction)
	}
	var b strings.Builder
	b.WriteString("good ")
	for _, d := range ch.RowDirections {
		b.WriteString(arrow(d))
	}
	return b.String()
}

func numeric(k Kind) bool { return k == Integer || k == Number || k == Percent || k == Currency }

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
