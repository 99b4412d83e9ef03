package page

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/liaisonhq/liaison/connectors/table"
)

// Workbook renders a spreadsheet as an HTML fragment: a strip of tabs
// (radio buttons and CSS, so the page needs no script), each tab's rows as
// a table with numbers formatted for the workbook's locale, change
// columns coloured green or red by which way is good news, and line
// charts drawn as inline SVG. id prefixes the element ids so that several
// workbooks fit on one page.
func Workbook(id string, wb *table.Workbook) (template.HTML, error) {
	f := table.NewFormatter(wb.Locale, wb.Currency)
	v := wbView{ID: id, Title: wb.Title}
	var css strings.Builder
	for i := range wb.Tabs {
		t := &wb.Tabs[i]
		tid := fmt.Sprintf("%s-tab-%d", id, i)
		fmt.Fprintf(&css, "#%s:checked~.wb-strip label[for=%s]{background:#fff;color:#1d1c1d;border-bottom-color:#fff;font-weight:700}#%s:checked~.%s{display:block}\n", tid, tid, tid, tid)
		tv := tabView{ID: tid, Name: t.Name, Checked: i == 0}
		good := changeClasses(t)
		for r, row := range t.Rows {
			rv := rowView{Header: r < t.FrozenRows && len(row) > 1}
			for c, cell := range row {
				cv := cellView{Text: f.Format(cell), Bold: cell.Bold, Num: numericKind(cell.Kind), Class: good[[2]int{r, c}]}
				if len(row) == 1 {
					cv.Span = maxCols(t)
				}
				if cell.Kind == table.Link && safeURL(cell.URL) {
					cv.URL = template.URL(cell.URL)
				}
				rv.Cells = append(rv.Cells, cv)
			}
			tv.Rows = append(tv.Rows, rv)
		}
		for _, ch := range t.Charts {
			tv.Charts = append(tv.Charts, chartSVG(t, ch, f))
		}
		v.Tabs = append(v.Tabs, tv)
	}
	v.CSS = template.CSS(css.String())
	var b bytes.Buffer
	if err := workbookTemplate.ExecuteTemplate(&b, "workbook", v); err != nil {
		return "", fmt.Errorf("rendering workbook %q: %w", wb.Title, err)
	}
	return template.HTML(b.String()), nil
}

// RenderWorkbook writes one self-contained HTML page showing wb.
func RenderWorkbook(w io.Writer, wb *table.Workbook) error {
	frag, err := Workbook("wb", wb)
	if err != nil {
		return err
	}
	lang, _, _ := strings.Cut(wb.Locale, "_")
	if err := workbookTemplate.ExecuteTemplate(w, "page", struct {
		Title, Lang string
		Body        template.HTML
		CSS         template.CSS
	}{wb.Title, lang, frag, template.CSS(workbookCSS)}); err != nil {
		return fmt.Errorf("rendering workbook page: %w", err)
	}
	return nil
}

type wbView struct {
	ID, Title string
	CSS       template.CSS
	Tabs      []tabView
}

type tabView struct {
	ID, Name string
	Checked  bool
	Rows     []rowView
	Charts   []template.HTML
}

type rowView struct {
	Header bool
	Cells  []cellView
}

type cellView struct {
	Text  string
	URL   template.URL
	Bold  bool
	Num   bool
	Class string
	Span  int
}

func numericKind(k table.Kind) bool {
	return k == table.Integer || k == table.Number || k == table.Percent || k == table.Currency
}

func maxCols(t *table.Tab) int {
	n := 1
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	return n
}

// changeClasses returns "good" or "bad" for each (row, column) of a change
// column whose value is not zero or blank.
func changeClasses(t *table.Tab) map[[2]int]string {
	out := map[[2]int]string{}
	for _, ch := range t.Changes {
		for r := ch.FirstRow; r <= ch.LastRow && r < len(t.Rows); r++ {
			if ch.Column >= len(t.Rows[r]) {
				continue
			}
			cell := t.Rows[r][ch.Column]
			if cell.Blank || cell.Num == 0 || !numericKind(cell.Kind) {
				continue
			}
			dir := ch.Direction
			if i := r - ch.FirstRow; ch.RowDirections != nil && i < len(ch.RowDirections) {
				dir = ch.RowDirections[i]
			}
			if (cell.Num > 0) == (dir == table.UpIsGood) {
				out[[2]int{r, ch.Column}] = "good"
			} else {
				out[[2]int{r, ch.Column}] = "bad"
			}
		}
	}
	return out
}

var seriesColours = []string{"#1264a3", "#2bac76", "#e01e5a", "#ecb22e", "#36c5f0", "#7c3085"}

// chartSVG draws a line chart: series on the left axis scaled to their
// common maximum, those on the right axis to theirs; the first and last
// domain labels under the plot; a legend above it.
func chartSVG(t *table.Tab, ch table.Chart, f *table.Formatter) template.HTML {
	const w, h, left, right, top, bottom = 760.0, 280.0, 70.0, 70.0, 40.0, 36.0
	var labels []string
	series := make([][]float64, len(ch.SeriesColumns))
	var kinds []table.Cell
	for r := ch.HeaderRow + 1; r <= ch.LastRow && r < len(t.Rows); r++ {
		row := t.Rows[r]
		if ch.DomainColumn < len(row) {
			labels = append(labels, f.Format(row[ch.DomainColumn]))
		} else {
			labels = append(labels, "")
		}
		for i, c := range ch.SeriesColumns {
			v := 0.0
			if c < len(row) && !row[c].Blank {
				v = row[c].Num
			}
			series[i] = append(series[i], v)
		}
	}
	right2 := map[int]bool{}
	for _, i := range ch.RightAxis {
		right2[i] = true
	}
	var maxL, maxR float64
	for i, s := range series {
		for _, v := range s {
			if right2[i] {
				maxR = math.Max(maxR, v)
			} else {
				maxL = math.Max(maxL, v)
			}
		}
		if ch.HeaderRow < len(t.Rows) && ch.SeriesColumns[i] < len(t.Rows[ch.HeaderRow]) {
			kinds = append(kinds, t.Rows[ch.HeaderRow][ch.SeriesColumns[i]])
		} else {
			kinds = append(kinds, table.T(""))
		}
	}
	n := len(labels)
	x := func(i int) float64 {
		if n < 2 {
			return left + (w-left-right)/2
		}
		return left + float64(i)*(w-left-right)/float64(n-1)
	}
	y := func(v, mx float64) float64 {
		if mx <= 0 {
			return h - bottom
		}
		return h - bottom - v/mx*(h-top-bottom)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="wb-chart" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`, w, h, w, h, esc(ch.Title))
	fmt.Fprintf(&b, `<text x="%g" y="18" class="wb-chart-title">%s</text>`, left, esc(ch.Title))
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="wb-axis"/>`, left, h-bottom, w-right, h-bottom)
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="wb-axis"/>`, left, top, left, h-bottom)
	fmt.Fprintf(&b, `<text x="%g" y="%g" class="wb-tick" text-anchor="end">%s</text>`, left-6, top+4, esc(f.Format(table.I(maxL))))
	if len(ch.RightAxis) > 0 {
		fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="wb-axis"/>`, w-right, top, w-right, h-bottom)
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="wb-tick">%s</text>`, w-right+6, top+4, esc(f.Format(table.I(maxR))))
	}
	if n > 0 {
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="wb-tick">%s</text>`, x(0), h-bottom+18, esc(labels[0]))
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="wb-tick" text-anchor="end">%s</text>`, x(n-1), h-bottom+18, esc(labels[n-1]))
	}
	lx := left + 260
	for i, s := range series {
		colour := seriesColours[i%len(seriesColours)]
		mx := maxL
		if right2[i] {
			mx = maxR
		}
		pts := make([]string, len(s))
		for j, v := range s {
			pts[j] = strconv.FormatFloat(x(j), 'f', 1, 64) + "," + strconv.FormatFloat(y(v, mx), 'f', 1, 64)
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, colour, strings.Join(pts, " "))
		name := kinds[i].Text
		if right2[i] {
			name += " →"
		}
		fmt.Fprintf(&b, `<rect x="%g" y="8" width="10" height="10" fill="%s"/><text x="%g" y="17" class="wb-legend">%s</text>`, lx, colour, lx+14, esc(name))
		lx += 28 + 7*float64(len([]rune(name)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

const workbookCSS = `
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif;font-size:14px;color:#1d1c1d;margin:24px}
.wb h2{font-size:20px;margin:0 0 12px}
.wb>input{position:absolute;opacity:0;pointer-events:none}
.wb-strip{display:flex;gap:2px;border-bottom:1px solid #c7c7c7}
.wb-strip label{padding:6px 14px;border:1px solid #c7c7c7;border-bottom:none;background:#f1f1f1;color:#555;cursor:pointer;border-radius:4px 4px 0 0;margin-bottom:-1px}
.wb-tab{display:none;padding:12px 0;overflow-x:auto}
.wb table{border-collapse:collapse}
.wb td{border:1px solid #e2e2e2;padding:3px 8px;white-space:nowrap;vertical-align:top}
.wb td.num{text-align:right;font-variant-numeric:tabular-nums}
.wb td.b{font-weight:700}
.wb tr.head td{background:#f4f4f4;font-weight:700;position:sticky;top:0}
.wb td.good{background:#e3f4ea;color:#17723f}
.wb td.bad{background:#fbe4e8;color:#a4173c}
.wb td.note{border:none;color:#444;white-space:normal}
.wb-chart{display:block;margin:16px 0;max-width:100%;height:auto}
.wb-axis{stroke:#999;stroke-width:1}
.wb-tick,.wb-legend{font-size:12px;fill:#555}
.wb-chart-title{font-size:14px;font-weight:700;fill:#1d1c1d}
`

var workbookTemplate = template.Must(template.New("workbook").Parse(`
{{- define "workbook" -}}
<div class="wb" id="{{.ID}}">
<style>{{.CSS}}</style>
{{- range .Tabs}}
<input type="radio" name="{{$.ID}}-tabs" id="{{.ID}}"{{if .Checked}} checked{{end}}>
{{- end}}
<div class="wb-strip">{{range .Tabs}}<label for="{{.ID}}">{{.Name}}</label>{{end}}</div>
{{- range .Tabs}}
<div class="wb-tab {{.ID}}">
<table>
{{- range .Rows}}
<tr{{if .Header}} class="head"{{end}}>{{range .Cells}}<td{{if .Span}} colspan="{{.Span}}"{{end}} class="{{if .Num}}num {{end}}{{if .Bold}}b {{end}}{{if .Span}}note {{end}}{{.Class}}">{{if .URL}}<a href="{{.URL}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</td>{{end}}</tr>
{{- end}}
</table>
{{- range .Charts}}
{{.}}
{{- end}}
</div>
{{- end}}
</div>
{{- end}}
{{- define "page" -}}
<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<div class="wb"><h2>{{.Title}}</h2></div>
{{.Body}}
</body>
</html>
{{- end}}
`))
