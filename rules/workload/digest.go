package workload

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

// MaxDigestPeople is how many people the digest's blocks show: Slack takes
// at most 50 blocks a message, and the header and period take two. The
// most loaded come first, so those left out are the least loaded; the
// plain text lists everyone.
const MaxDigestPeople = 46

// DigestLine is one person in the weekly digest.
type DigestLine struct {
	Load Load
	// Redirects counts redirect alerts of the week: of the AM's clients, or
	// naming the specialist.
	Redirects int
	// DirectReplies counts the times a specialist answered a redirected
	// client anyway (for an AM: on their clients).
	DirectReplies int
	// UnaddressedReplies counts the times a specialist answered a client
	// message that addressed no specialist: direct contact the redirect
	// rule never saw (for an AM: on their clients).
	UnaddressedReplies int
}

// Digest is the weekly workload digest for one recipient.
type Digest struct {
	Language connectors.Language
	// Week names the digest's week ("2026-W49").
	Week string
	// From and To are the first and last day the redirect counts cover.
	From, To hours.Date
	Lines    []DigestLine
	// FAQCandidates are the unmatched client questions of the head's
	// clients that recurred in the period, one formatted line each
	// (faq.Candidate.Line): proposals for the answer base.
	FAQCandidates []string
	// FAQLearned counts what the answer base learned in the period from
	// the AMs' clicks on suggestions to the head's clients.
	FAQLearned FAQLearned
}

// FAQLearned counts phrasings the answer base learned from clicks:
// Phrasings from "Post answer", Negatives from "Not this one".
type FAQLearned struct {
	Phrasings, Negatives int
}

// ratio is how full a person is, for the bar and for ordering: active
// clients over the limit for an AM, utilisation for a specialist (open
// tasks over the limit if their hours are unknown).
func (l *Load) ratio() float64 {
	switch {
	case l.Role == connectors.RoleAccountManager && l.MaxClients > 0:
		return float64(len(l.ActiveClients)) / float64(l.MaxClients)
	case !l.HorizonEnd.IsZero():
		return l.Utilization()
	case l.MaxOpenTasks > 0:
		return float64(l.OpenTasks) / float64(l.MaxOpenTasks)
	}
	return 0
}

func (l *Load) over() bool { return l.OverClients() || l.OverTasks() || l.OverUtilization() }

// Render returns the digest as mrkdwn text (the notification and fallback)
// and as Block Kit: a header, the period, then a section per person with a
// bar of how full they are and their figures. People over a limit come
// first, then by how full they are.
func (d Digest) Render() (string, json.RawMessage) {
	cat := catalogFor(d.Language)
	lines := slices.Clone(d.Lines)
	slices.SortStableFunc(lines, func(a, b DigestLine) int {
		if a.Load.over() != b.Load.over() {
			if a.Load.over() {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Load.ratio(), a.Load.ratio()), strings.Compare(name(&a.Load), name(&b.Load)))
	})
	title := fmt.Sprintf(cat.title, d.Week)
	period := fmt.Sprintf(cat.period, d.From, d.To)
	var text strings.Builder
	text.WriteString("*" + title + "*\n" + period + "\n")
	blocks := []any{
		map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": title, "emoji": true}},
		map[string]any{"type": "context", "elements": []any{map[string]any{"type": "mrkdwn", "text": period}}},
	}
	if len(lines) == 0 {
		text.WriteString(cat.nobody + "\n")
		blocks = append(blocks, section(cat.nobody, nil))
	}
	for i, ln := range lines {
		l := &ln.Load
		head, fields := cat.person(ln)
		text.WriteString("• " + head + " — " + strings.Join(flat(fields), "; ") + "\n")
		if i < MaxDigestPeople {
			blocks = append(blocks, section(head+"\n`"+bar(l.ratio())+"`", fields))
		}
	}
	if n := len(lines) - MaxDigestPeople; n > 0 {
		blocks = append(blocks, map[string]any{"type": "context", "elements": []any{
			map[string]any{"type": "mrkdwn", "text": fmt.Sprintf(cat.more, n)}}})
	}
	if t, b, ok := d.candidateSection(); ok {
		text.WriteString(t)
		blocks = append(blocks, b)
	}
	raw, err := json.Marshal(blocks)
	if err != nil {
		// Maps of strings always marshal; keep the text if that ever changes.
		return text.String(), nil
	}
	return text.String(), raw
}

func section(text string, fields [][2]string) map[string]any {
	s := map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": text}}
	if len(fields) > 0 {
		fs := make([]any, len(fields))
		for i, f := range fields {
			fs[i] = map[string]any{"type": "mrkdwn", "text": "*" + f[0] + "*\n" + f[1]}
		}
		s["fields"] = fs
	}
	return s
}

func flat(fields [][2]string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f[0] + ": " + f[1]
	}
	return out
}

// bar draws a ratio as ten cells and a percentage: "████████░░ 82%".
// Past 100% the bar stays full and the number tells by how much.
func bar(x float64) string {
	p := percent(x)
	filled := min(max((p+5)/10, 0), 10)
	return strings.Repeat("█", filled) + strings.Repeat("░", 10-filled) + " " + strconv.Itoa(p) + "%"
}

// catalog holds one language's digest texts.
type catalog struct {
	title, period, nobody, more  string // %s week; %s %s dates; -; %d
	am, specialist, overLimit    string
	clients, openTasks, estimate string
	overdue, redirects, direct   string
	unaddressed                  string
	hours                        string // unit after a number
	unestimated                  string // %d
}

var catalogs = map[connectors.Language]catalog{
	connectors.LanguageEnglish: {
		title: "Workload · week %s", period: "Redirects and direct replies counted %s – %s.",
		nobody: "Nobody to report on.", more: "…and %d more people, listed in the text version.",
		am: "account manager", specialist: "specialist", overLimit: "⚠️ over the limit",
		clients: "Clients", openTasks: "Open tasks", estimate: "Estimate / available",
		overdue: "Overdue", redirects: "Redirects", direct: "Direct replies · redirected", unaddressed: "Direct replies · unaddressed", hours: "h",
		unestimated: "%d without estimate",
	},
	connectors.LanguageRussian: {
		title: "Загрузка · неделя %s", period: "Перенаправления и прямые ответы за %s – %s.",
		nobody: "Отчитываться не о ком.", more: "…и ещё %d человек — в текстовой версии.",
		am: "аккаунт-менеджер", specialist: "специалист", overLimit: "⚠️ выше лимита",
		clients: "Клиенты", openTasks: "Открытые задачи", estimate: "Оценка / доступно",
		overdue: "Просрочено", redirects: "Перенаправления", direct: "Прямые ответы · после перенаправления", unaddressed: "Прямые ответы · без обращения", hours: "ч",
		unestimated: "без оценки: %d",
	},
	connectors.LanguageUkrainian: {
		title: "Завантаження · тиждень %s", period: "Перенаправлення та прямі відповіді за %s – %s.",
		nobody: "Звітувати немає про кого.", more: "…і ще %d осіб — у текстовій версії.",
		am: "акаунт-менеджер", specialist: "спеціаліст", overLimit: "⚠️ понад ліміт",
		clients: "Клієнти", openTasks: "Відкриті задачі", estimate: "Оцінка / доступно",
		overdue: "Прострочено", redirects: "Перенаправлення", direct: "Прямі відповіді · після перенаправлення", unaddressed: "Прямі відповіді · без звернення", hours: "год",
		unestimated: "без оцінки: %d",
	},
}

// catalogFor returns the texts of lang, English for anything else.
func catalogFor(lang connectors.Language) catalog {
	if c, ok := catalogs[lang]; ok {
		return c
	}
	return catalogs[connectors.LanguageEnglish]
}

// person returns a person's heading and their figures as (label, value).
func (c catalog) person(ln DigestLine) (string, [][2]string) {
	l := &ln.Load
	role := c.specialist
	if l.Role == connectors.RoleAccountManager {
		role = c.am
	}
	head := "*" + name(l) + "* · " + role
	if l.over() {
		head += " · " + c.overLimit
	}
	var fields [][2]string
	if l.Role == connectors.RoleAccountManager {
		fields = append(fields, [2]string{c.clients, fmt.Sprintf("%d/%d", len(l.ActiveClients), l.MaxClients)})
	} else {
		fields = append(fields, [2]string{c.openTasks, fmt.Sprintf("%d/%d", l.OpenTasks, l.MaxOpenTasks)})
		est := c.wholeHours(l.Remaining) + " / "
		if l.HorizonEnd.IsZero() {
			est += "—"
		} else {
			est += c.wholeHours(l.Available)
		}
		if l.Unestimated > 0 {
			est += " (" + fmt.Sprintf(c.unestimated, l.Unestimated) + ")"
		}
		fields = append(fields, [2]string{c.estimate, est})
	}
	fields = append(fields,
		[2]string{c.overdue, strconv.Itoa(l.Overdue)},
		[2]string{c.redirects, strconv.Itoa(ln.Redirects)},
		[2]string{c.direct, strconv.Itoa(ln.DirectReplies)},
		[2]string{c.unaddressed, strconv.Itoa(ln.UnaddressedReplies)},
	)
	return head, fields
}

// wholeHours writes d rounded to whole hours, which is what a glance needs.
func (c catalog) wholeHours(d time.Duration) string {
	return strconv.Itoa(int(d.Round(time.Hour).Hours())) + " " + c.hours
}
