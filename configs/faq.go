package configs

import (
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/connectors"
)

// FAQ is the agency's answer base, read from the file agency.faq names.
type FAQ struct {
	// Entries are the question-answer pairs.
	Entries []FAQEntry `yaml:"entries"`
}

// FAQEntry is one answer and the ways clients ask for it.
type FAQEntry struct {
	// ID is a stable identifier (lowercase letters, digits, '.', '_', '-'), used in metrics and feedback.
	ID string `yaml:"id" jsonschema:"required"`
	// Tags group entries (seo, ppc, billing, reports...).
	Tags []string `yaml:"tags,omitempty"`
	// Questions are sample phrasings per language that a client message is matched against.
	Questions map[connectors.Language][]string `yaml:"questions" jsonschema:"required"`
	// Answers are the answer per language; every language a client uses needs one.
	Answers map[connectors.Language]string `yaml:"answers" jsonschema:"required"`
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
	var f FAQ
	doc.check(doc.root, reflect.TypeOf(f), "")
	if err := doc.root.Decode(&f); err != nil {
		doc.add(doc.root, "", "decoding: %v", err)
		return
	}
	used := map[connectors.Language][]string{}
	for _, c := range cfg.Clients {
		if c.Language.Valid() {
			used[c.Language] = append(used[c.Language], c.ID)
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
	cfg.FAQ = &f
}
