package redirect

import (
	"strings"
	"text/template"

	"github.com/liaisonhq/liaison/connectors"
)

// render fills the template for lang, falling back to English for a
// language without a template, and to the built-in text when the configured
// one fails. Config validation rejects both cases, so the fallbacks only
// keep a client from ever receiving an empty or broken reply.
func render(ts, defaults map[connectors.Language]string, lang connectors.Language, data TemplateData) string {
	if !lang.Valid() {
		lang = connectors.LanguageEnglish
	}
	src, ok := ts[lang]
	if !ok {
		src, ok = ts[connectors.LanguageEnglish]
		if ok {
			lang = connectors.LanguageEnglish
		}
	}
	if ok {
		if s, err := execute(src, data); err == nil {
			return s
		}
	}
	s, _ := execute(defaults[lang], data)
	return s
}

func execute(src string, data TemplateData) (string, error) {
	t, err := template.New("").Option("missingkey=error").Parse(src)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}
