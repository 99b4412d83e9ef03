package configs

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/faq"
)

// FAQ is the agency's answer base, read from the file agency.faq names.
type FAQ struct {
	// Entries are the question-answer pairs.
	Entries []FAQEntry `yaml:"entries"`
	// Synonyms are groups of words the agency's clients use for the same thing, one word each (e.g. [лиды, заявки, обращения]); they add to the shipped domain groups.
	Synonyms [][]string `yaml:"synonyms,omitempty"`
}

// FAQEntry is one answer and the ways clients ask for it.
type FAQEntry struct {
	// ID is a stable identifier (lowercase letters, digits, '.', '_', '-'), used in metrics and feedback.
	ID string `yaml:"id" jsonschema:"required"`
	// Tags group entries (seo, ppc, billing, reports...).
	Tags []string `yaml:"tags,omitempty"`
	// Questions are sample phrasings per language that a client message is matched against.
	Questions map[connectors.Language][]string `yaml:"questions" jsonschema:"required"`
	// Not are phrasings per language that look like this entry's but ask something else; a message closer to one of them than to the entry's own phrasings does not get this entry.
	Not map[connectors.Language][]string `yaml:"not,omitempty"`
	// Answers are the answer per language; every language a client uses needs one.
	Answers map[connectors.Language]string `yaml:"answers" jsonschema:"required"`
}

// minPhrasings is how many phrasings per language an entry needs before
// check-config stops warning: with fewer, most ways clients ask go unmatched.
const minPhrasings = 10

// LoadFAQ reads and checks an answer base on its own, without an agency
// config (for `liaison faq eval -faq`): every problem is reported as by
// Load, except that no language is required of the answers.
func LoadFAQ(path string, opts ...Option) (*FAQ, error) {
	o := newOptions(opts)
	data, err := o.readFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading answer base: %w", err)
	}
	doc := parseDocument(path, data)
	if doc.root == nil {
		return nil, doc.problems
	}
	f := checkFAQ(doc, nil)
	if len(doc.problems) > 0 {
		ps := append(Problems(nil), doc.problems...)
		ps.sort()
		return nil, ps
	}
	return f, nil
}

// FAQWarnings lists the answer-base entries with fewer than ten phrasings
// in a language some client writes in, naming the entry, the language and
// the clients. They are warnings, not problems: such a base works, but
// misses most ways of asking.
func (c *Config) FAQWarnings() []string {
	if c.FAQ == nil {
		return nil
	}
	used := map[connectors.Language][]string{}
	for _, cl := range c.Clients {
		if cl.Language.Valid() {
			used[cl.Language] = append(used[cl.Language], cl.ID)
		}
	}
	var out []string
	for _, e := range c.FAQ.Entries {
		for _, lang := range connectors.Languages() {
			clients := used[lang]
			n := 0
			for _, q := range e.Questions[lang] {
				if strings.TrimSpace(q) != "" {
					n++
				}
			}
			if len(clients) == 0 || n >= minPhrasings {
				continue
			}
			slices.Sort(clients)
			out = append(out, fmt.Sprintf("%s: entry %s has %d phrasing(s) in %s, the language of client %s; "+
				"with fewer than %d most ways of asking go unmatched", c.Agency.FAQ, e.ID, n, lang, strings.Join(clients, ", "), minPhrasings))
		}
	}
	return out
}

var tagRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// loadFAQ reads and checks the faq file, whose problems carry its own name.
// Values in it are content, not settings: ${...} is not expanded there.
func (l *loader) loadFAQ() {
	cfg := l.cfg
	if cfg.Agency.FAQ == "" {
		// Without a base the faq rule has nothing to match and stays idle.
		return
	}
	path := l.resolvePath(cfg.Agency.FAQ)
	data, err := l.opts.readFile(path)
	if err != nil {
		l.add("agency.faq", "reading %s: %v", path, unwrapPathError(err))
		return
	}
	doc := parseDocument(path, data)
	l.faqDoc = doc
	if doc.root == nil {
		return
	}
	used := map[connectors.Language][]string{}
	for _, c := range cfg.Clients {
		if c.Language.Valid() {
			used[c.Language] = append(used[c.Language], c.ID)
		}
	}
	cfg.FAQ = checkFAQ(doc, used)
}

// checkFAQ decodes and checks an answer base; used names, per language,
// the clients who write in it, each of which needs an answer in it.
func checkFAQ(doc *document, used map[connectors.Language][]string) *FAQ {
	var f FAQ
	doc.check(doc.root, reflect.TypeOf(f), "")
	if err := doc.root.Decode(&f); err != nil {
		doc.add(doc.root, "", "decoding: %v", err)
		return nil
	}
	for i, g := range f.Synonyms {
		p := field.Index("synonyms", i)
		if len(g) < 2 {
			doc.addAt(p, "a synonym group needs at least two words")
		}
		for j, w := range g {
			if len(strings.Fields(faq.Normalize(w))) != 1 {
				doc.addAt(field.Index(p, j), "%q must be one word", w)
			}
		}
	}
	ids := map[string]string{}
	for i, e := range f.Entries {
		p := field.Index("entries", i)
		switch {
		case e.ID == "":
			doc.addAt(p+".id", "is required")
		case !idRE.MatchString(e.ID):
			doc.addAt(p+".id", "%q must be lowercase letters, digits, '.', '_' or '-'", e.ID)
		case ids[e.ID] != "":
			doc.addAt(p+".id", "duplicate entry id %q (first at %s)", e.ID, ids[e.ID])
		default:
			ids[e.ID] = p
		}
		for j, t := range e.Tags {
			if !tagRE.MatchString(t) {
				doc.addAt(field.Index(p+".tags", j), "%q must be lowercase letters, digits, '_' or '-'", t)
			}
		}
		questions := 0
		for _, lang := range sortedKeys(e.Questions) {
			qp := p + ".questions." + lang
			if !connectors.Language(lang).Valid() {
				doc.addAt(qp, "unknown language %q (want ru, uk or en)", lang)
			}
			for k, q := range e.Questions[connectors.Language(lang)] {
				if strings.TrimSpace(q) == "" {
					doc.addAt(field.Index(qp, k), "must not be empty")
					continue
				}
				questions++
			}
		}
		if questions == 0 {
			doc.addAt(p+".questions", "needs at least one question to match against")
		}
		for _, lang := range sortedKeys(e.Not) {
			np := p + ".not." + lang
			if !connectors.Language(lang).Valid() {
				doc.addAt(np, "unknown language %q (want ru, uk or en)", lang)
			}
			for k, q := range e.Not[connectors.Language(lang)] {
				if strings.TrimSpace(q) == "" {
					doc.addAt(field.Index(np, k), "must not be empty")
				}
			}
		}
		for _, lang := range sortedKeys(e.Answers) {
			ap := p + ".answers." + lang
			if !connectors.Language(lang).Valid() {
				doc.addAt(ap, "unknown language %q (want ru, uk or en)", lang)
			} else if strings.TrimSpace(e.Answers[connectors.Language(lang)]) == "" {
				doc.addAt(ap, "must not be empty")
			}
		}
		for _, lang := range connectors.Languages() {
			clients := used[lang]
			if _, ok := e.Answers[lang]; ok || len(clients) == 0 {
				continue
			}
			slices.Sort(clients)
			doc.addAt(p+".answers", "has no answer in %s, the language of client %s", lang, strings.Join(clients, ", "))
		}
	}
	return &f
}

// Index prepares the answer base for matching, with its synonyms.
func (f *FAQ) Index() *faq.Index {
	return f.IndexWith(nil)
}

// IndexWith prepares the answer base for matching with the phrasings it
// learned from the account managers' clicks added (faq.WithLearned).
func (f *FAQ) IndexWith(learned []faq.Learned) *faq.Index {
	if f == nil {
		return faq.NewIndex(nil)
	}
	return faq.NewIndex(faq.WithLearned(f.matchEntries(), learned), f.Synonyms...)
}

// LearnedUses says, by ID, what IndexWith makes of each learned phrasing
// (faq.LearnedUses): in use, replaced by a later click, already in the
// base, over the cap, or of an entry no longer in it.
func (f *FAQ) LearnedUses(learned []faq.Learned) map[int64]faq.LearnedUse {
	var entries []faq.Entry
	if f != nil {
		entries = f.matchEntries()
	}
	return faq.LearnedUses(entries, learned)
}

// matchEntries returns the base's entries as the matcher takes them.
func (f *FAQ) matchEntries() []faq.Entry {
	entries := make([]faq.Entry, 0, len(f.Entries))
	for _, e := range f.Entries {
		entries = append(entries, faq.Entry{ID: e.ID, Questions: e.Questions, Not: e.Not, Answers: e.Answers})
	}
	return entries
}
