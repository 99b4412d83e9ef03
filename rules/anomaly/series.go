package anomaly

import "time"

// dayNum returns the days since 1970-01-01 of a civil date "2006-01-02",
// or false. It parses by hand: the rule reads hundreds of thousands of
// rows a run and time.Parse was most of its time.
func dayNum(s string) (int, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

// daysFromCivil is Howard Hinnant's days_from_civil.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilDate returns the date of day number n.
func civilDate(n int) time.Time {
	return time.Unix(int64(n)*86400, 0).UTC()
}

// dateString formats day number n as "2006-01-02".
func dateString(n int) string { return civilDate(n).Format(time.DateOnly) }

// dayOf returns the day number of t's date in loc.
func dayOf(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return daysFromCivil(y, int(m), d)
}

// metric indexes into a series' values.
const (
	mImpressions = iota
	mClicks
	mCost
	mConversions
	mPositionSum
	nMetrics
)

// series is one account total or one dimension value as dense daily
// arrays over [first, first+len): a day without a row is a day of zeros,
// which is how Google Ads reports a day without traffic.
type series struct {
	dim string // "" for the account total, else "campaign:123", "query:..."
	v   [nMetrics][]float64
}

func newSeries(dim string, n int) *series {
	return newSeriesIn(nil, dim, n)
}

// newSeriesIn lays a series out in ar, or in its own memory when ar is nil.
func newSeriesIn(ar *arena, dim string, n int) *series {
	s := &series{dim: dim}
	var buf []float64
	if ar != nil {
		buf = ar.take(n * nMetrics)
	} else {
		buf = make([]float64, n*nMetrics)
	}
	for m := range s.v {
		s.v[m] = buf[m*n : (m+1)*n : (m+1)*n]
	}
	return s
}

// arena hands out zeroed float64 slices from large blocks and takes them
// all back at once: the series of one account are dropped as soon as it
// is judged, and allocating them one by one was most of a run's time in
// the garbage collector.
type arena struct {
	buf []float64
	off int
}

func (a *arena) take(n int) []float64 {
	if a.off+n > len(a.buf) {
		// A new block; slices handed out from the old one stay valid.
		a.buf = make([]float64, max(2*len(a.buf), n, 1<<16))
		a.off = 0
	}
	s := a.buf[a.off : a.off+n : a.off+n]
	a.off += n
	clear(s)
	return s
}

// reset takes every slice back; none may be used after.
func (a *arena) reset() { a.off = 0 }

// at returns metric m on day index i, zero outside the window.
func (s *series) at(m, i int) float64 {
	if i < 0 || i >= len(s.v[m]) {
		return 0
	}
	return s.v[m][i]
}

// sum returns metric m over day indexes [from, to].
func (s *series) sum(m, from, to int) float64 {
	t := 0.0
	for i := max(from, 0); i <= to && i < len(s.v[m]); i++ {
		t += s.v[m][i]
	}
	return t
}

// account is one Ads account or Search Console property as dense series.
type account struct {
	src       *Account
	client    int
	first     int // day number of index 0
	last      int // index of the newest final day; -1 when there is none
	total     *series
	parts     []*series // campaigns, or queries then pages
	partIndex map[string]int
}

// build lays rows out as dense series ending at the final day number end.
// Rows after end (not final yet) or more than span days before it are
// ignored. Series live in ar until it is reset, except the total when
// keepTotal is set (pacing reads Ads totals after every account is judged).
func build(a *Account, client int, end, span int, ar *arena, keepTotal bool) *account {
	first := end - span + 1
	acc := &account{src: a, client: client, first: first, last: span - 1}
	if keepTotal {
		acc.total = newSeries("", span)
	} else {
		acc.total = newSeriesIn(ar, "", span)
	}
	for i := range a.Days {
		r := &a.Days[i]
		d, ok := dayNum(r.Date)
		if !ok || d < first || d > end {
			continue
		}
		s := acc.total
		if r.Dimension != "" {
			j, ok := acc.partIndex[r.Dimension]
			if !ok {
				if acc.partIndex == nil {
					acc.partIndex = make(map[string]int)
				}
				j = len(acc.parts)
				acc.partIndex[r.Dimension] = j
				acc.parts = append(acc.parts, newSeriesIn(ar, r.Dimension, span))
			}
			s = acc.parts[j]
		}
		i := d - first
		s.v[mImpressions][i] += r.Impressions
		s.v[mClicks][i] += r.Clicks
		s.v[mCost][i] += r.Cost
		s.v[mConversions][i] += r.Conversions
		s.v[mPositionSum][i] += r.PositionSum
	}
	return acc
}

// newestDay returns the newest date among days, or false.
func newestDay(rows []Day) (int, bool) {
	best, found := 0, false
	for i := range rows {
		if d, ok := dayNum(rows[i].Date); ok && (!found || d > best) {
			best, found = d, true
		}
	}
	return best, found
}
