package searchconsolefake

import (
	"fmt"
	"time"
)

// Quota is Search Console's documented usage limits for
// searchanalytics.query, each a count of queries within any minute. A zero
// field is not enforced; the zero Quota enforces nothing.
type Quota struct {
	PerSiteQPM    int // queries about one property
	PerUserQPM    int // queries by one principal
	PerProjectQPM int // queries by the whole Cloud project (every principal)
	// PerUserPerSecond and PerUserBurst, when both are set, add a token
	// bucket per principal: PerUserBurst queries at once, refilled at
	// PerUserPerSecond. Google documents only the per-minute limits; this
	// is how a test spreads a minute's quota over its seconds.
	PerUserPerSecond float64
	PerUserBurst     int
}

// secondBucket is a principal's token bucket for Quota.PerUserPerSecond.
type secondBucket struct {
	tokens float64
	last   time.Time
}

// takeSecond takes a token of principal's per-second bucket, or says how
// long until one is there. The caller holds the fake's lock.
func (q Quota) takeSecond(buckets map[string]*secondBucket, principal string, now time.Time) (time.Duration, bool) {
	if q.PerUserPerSecond <= 0 || q.PerUserBurst <= 0 {
		return 0, true
	}
	b, ok := buckets[principal]
	if !ok {
		b = &secondBucket{tokens: float64(q.PerUserBurst), last: now}
		buckets[principal] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(float64(q.PerUserBurst), b.tokens+elapsed*q.PerUserPerSecond)
	}
	b.last = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / q.PerUserPerSecond * float64(time.Second)), false
	}
	b.tokens--
	return 0, true
}

// DocumentedQuota returns the published limits: 1,200 queries per minute
// per site and per user, 40,000 per minute per project.
func DocumentedQuota() Quota {
	return Quota{PerSiteQPM: 1200, PerUserQPM: 1200, PerProjectQPM: 40000}
}

// minuteLog remembers, per key, the instants of the last minute's queries,
// oldest first.
type minuteLog map[string][]time.Time

// admit checks every (key, limit) pair and, when all have room, records the
// query under each; otherwise it returns the limit's name and how long until
// its oldest query leaves the window.
func (l minuteLog) admit(now time.Time, checks []quotaCheck) (string, time.Duration) {
	for _, c := range checks {
		if c.limit <= 0 {
			continue
		}
		log := l[c.key]
		for len(log) > 0 && now.Sub(log[0]) >= time.Minute {
			log = log[1:]
		}
		l[c.key] = log
		if len(log) >= c.limit {
			return c.name, log[0].Add(time.Minute).Sub(now)
		}
	}
	for _, c := range checks {
		if c.limit > 0 {
			l[c.key] = append(l[c.key], now)
		}
	}
	return "", 0
}

type quotaCheck struct {
	key, name string
	limit     int
}

// quotaChecks are the limits a query by principal about site counts against.
func (q Quota) checks(site, principal string) []quotaCheck {
	return []quotaCheck{
		{key: "site\x00" + site, name: "Queries per minute per site", limit: q.PerSiteQPM},
		{key: "user\x00" + principal, name: "Queries per minute per user", limit: q.PerUserQPM},
		{key: "project", name: "Queries per minute", limit: q.PerProjectQPM},
	}
}

// quotaMessage is the text Google's front end gives for an exhausted
// per-minute quota.
func quotaMessage(name string) string {
	return fmt.Sprintf("Quota exceeded for quota metric 'Search Analytics queries' and limit '%s' of service 'searchconsole.googleapis.com'.", name)
}
