package deliver

import "github.com/liaisonhq/liaison/rules"

// wordedHeadline renders a finding of a rule registered in
// Options.Wordings with the rule's own copy; false when the rule brings
// none or its copy cannot word this finding.
func (r rendering) wordedHeadline(f rules.Finding) (headline, bool) {
	w, ok := r.wordings[f.Rule]
	if !ok {
		return headline{}, false
	}
	wd, ok := w.Word(f, r.lang)
	if !ok || wd.Headline == "" {
		return headline{}, false
	}
	text := escape(wd.Headline)
	h := headline{text: text, plain: text, subject: text, rule: f.Rule, shown: []shown{}}
	if wd.Subject != "" {
		h.subject = escape(wd.Subject)
	}
	if f.Subject.URL != "" {
		h.text = "<" + f.Subject.URL + "|" + text + ">"
	}
	for _, l := range wd.Fields {
		if l.Value != "" {
			h.shown = append(h.shown, shown{l.Label, escape(l.Value)})
		}
	}
	return h, true
}
