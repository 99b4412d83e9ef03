package deliver

import (
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// echoWording words a finding with its language and a field, so the test
// sees which language delivery asked for.
type echoWording struct{}

func (echoWording) Word(f rules.Finding, lang connectors.Language) (rules.Worded, bool) {
	if f.Fields["metric"] == "" {
		return rules.Worded{}, false
	}
	return rules.Worded{Headline: string(lang) + ": " + f.Fields["metric"] + " <fell>",
		Fields: []rules.Labeled{{Label: "Expected", Value: f.Fields["expected"]}, {Label: "Empty", Value: ""}}}, true
}

// TestRegisteredWording: a rule registered in Options.Wordings words its
// findings in the recipient's language, escaped, with its own fields in
// place of the generic ones; a finding its copy cannot word falls back to
// the title.
func TestRegisteredWording(t *testing.T) {
	f := rules.Finding{Key: "anomaly:1", Rule: "anomaly", ClientID: "acme", Severity: rules.SeverityWarning,
		Title: "1234567890: spend drop", Fields: map[string]string{"metric": "spend", "expected": "3,086", "observed": "1,234"}}
	for _, lang := range []connectors.Language{connectors.LanguageEnglish, connectors.LanguageUkrainian} {
		r := rendering{cat: catalogFor(lang), loc: Kyiv(t), now: renderNow(t), people: Agency(t), max: 10,
			lang: lang, wordings: map[string]rules.Wording{"anomaly": echoWording{}}}
		text, blocks, err := renderAlert(r, []view{{f: f, clientName: "Acme"}})
		if err != nil {
			t.Fatal(err)
		}
		if want := string(lang) + ": spend &lt;fell&gt;"; !strings.Contains(text, want) {
			t.Errorf("%s: text %q lacks %q", lang, text, want)
		}
		if !strings.Contains(string(blocks), `*Expected*\n3,086`) || strings.Contains(string(blocks), "Observed") || strings.Contains(string(blocks), "Empty") {
			t.Errorf("%s: blocks show other fields than the wording's: %s", lang, blocks)
		}
	}
	r := rendering{cat: catalogFor(connectors.LanguageEnglish), loc: Kyiv(t), now: renderNow(t), people: Agency(t), max: 10,
		wordings: map[string]rules.Wording{"anomaly": echoWording{}}}
	bare := f
	bare.Fields = map[string]string{"expected": "1"}
	if text, _, _ := renderAlert(r, []view{{f: bare}}); !strings.Contains(text, "1234567890: spend drop") {
		t.Errorf("fallback to the title: %q", text)
	}
}
