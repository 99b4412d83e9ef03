package searchconsolefake

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// Site is one Search Console property in the fake.
type Site struct {
	// URL is the property: "https://example.com/" (URL prefix, with the
	// trailing slash) or "sc-domain:example.com".
	URL string
	// Owners are the principals (OAuth users, service accounts) verified
	// for the property; anyone else gets 403.
	Owners []string
	// Queries is how many distinct queries the site ranks for; default 5–14 by URL.
	Queries int
	// Pages is how many pages take the traffic; default 3–7 by URL.
	Pages int
}

// Totals are a site's sums over a date range as the fake serves them.
type Totals struct {
	Days        int
	Impressions int64
	Clicks      int64
	// PositionSum is Σ position × impressions, the additive form of position.
	PositionSum float64
}

// fact is the finest grain the fake keeps: one (date, query, page,
// country, device) cell; every answer aggregates these.
type fact struct {
	date, query, page, country, device string
	impressions, clicks                int64
	position                           float64 // multiple of 1/8, so sums are exact
}

var (
	countries = []string{"usa", "deu", "gbr", "pol", "fra"}
	devices   = []string{"DESKTOP", "MOBILE", "TABLET"}
)

func hash(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func (s *Site) withDefaults() {
	h := hash(s.URL)
	if s.Queries <= 0 {
		s.Queries = 3 + int(h%6)
	}
	if s.Pages <= 0 {
		s.Pages = 2 + int(h>>8%4)
	}
}

func (s *Site) host() string {
	if d, ok := strings.CutPrefix(s.URL, "sc-domain:"); ok {
		return "https://www." + d + "/"
	}
	return s.URL
}

// facts returns the site's cells for date. freshness is how many days
// the date is from being final (0 when final): fresh days show part of
// their traffic, as Google's partial data does.
func (s *Site) facts(date string, freshness int) []fact {
	var out []fact
	for q := range s.Queries {
		query := fmt.Sprintf("%s query %d", strings.TrimPrefix(strings.TrimPrefix(s.URL, "sc-domain:"), "https://"), q)
		h := hash(s.URL, query, date)
		if h%11 == 0 {
			continue // no impressions that day: no row
		}
		page := fmt.Sprintf("%spage-%d", s.host(), hash(s.URL, query)%uint64(s.Pages))
		country := countries[hash(query)%uint64(len(countries))]
		for _, dev := range devices[:1+h>>4%3] {
			hh := hash(s.URL, query, date, dev)
			f := fact{date: date, query: query, page: page, country: country, device: dev,
				impressions: int64(10 + hh%900), position: 1 + float64(hh>>12%320)/8}
			f.clicks = f.impressions * int64(hh>>24%12) / 100
			if freshness > 0 {
				f.impressions = f.impressions * int64(10-2*freshness) / 10
				f.clicks = f.clicks * int64(10-2*freshness) / 10
			}
			if f.impressions > 0 {
				out = append(out, f)
			}
		}
	}
	return out
}

func eachDay(from, to string, fn func(date string)) {
	d, err1 := time.Parse(time.DateOnly, from)
	end, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return
	}
	for ; !d.After(end); d = d.AddDate(0, 0, 1) {
		fn(d.Format(time.DateOnly))
	}
}
