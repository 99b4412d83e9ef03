package questions

import (
	"sort"
	"strings"
)

// ThreadMsg is another message of the forwarded message's thread, as
// WhoAnswers needs it.
type ThreadMsg struct {
	// TS orders the thread; only messages before the forwarded one count.
	TS string
	// PersonID is the agency person who wrote it; empty for client-side,
	// bot or unknown authors.
	PersonID string
}

// WhoAnswers picks the specialist a forwarded client message is for, out of
// the client's specialists (in config order):
//
//  1. the specialist the message mentions (the first mention in the text
//     when it names several);
//  2. else the specialist who last wrote in the message's thread before it;
//  3. else the client's first specialist.
//
// ok is false only when the client has no specialist. The rule is
// deliberately simple and predictable: an AM who wants another specialist
// mentions them in the client's thread or forwards the question by hand.
func WhoAnswers(text, ts string, thread []ThreadMsg, specialists []Specialist) (Specialist, bool) {
	if len(specialists) == 0 {
		return Specialist{}, false
	}
	best, bestAt := -1, len(text)
	for i, s := range specialists {
		if s.SlackUserID == "" {
			continue
		}
		for _, form := range []string{"<@" + s.SlackUserID + ">", "<@" + s.SlackUserID + "|"} {
			if at := strings.Index(text, form); at >= 0 && at < bestAt {
				best, bestAt = i, at
			}
		}
	}
	if best >= 0 {
		return specialists[best], true
	}
	earlier := make([]ThreadMsg, 0, len(thread))
	for _, m := range thread {
		if m.TS < ts && m.PersonID != "" {
			earlier = append(earlier, m)
		}
	}
	sort.SliceStable(earlier, func(i, j int) bool { return earlier[i].TS < earlier[j].TS })
	for i := len(earlier) - 1; i >= 0; i-- {
		for _, s := range specialists {
			if s.ID == earlier[i].PersonID {
				return s, true
			}
		}
	}
	return specialists[0], true
}
