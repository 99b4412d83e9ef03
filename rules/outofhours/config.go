// Package outofhours is the rule that answers a client who writes outside
// the account manager's working hours with one automatic notice saying when
// the AM is back.
package outofhours

import (
	"sort"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/connectors"
)

// TemplateData is what the notice templates can use.
type TemplateData struct {
	// AM is the Slack mention of the account manager, "<@U123>".
	AM string
	// AMName is the account manager's display name.
	AMName string
	// Client is the client's name.
	Client string
	// Back is when the AM is next at work, formatted for the client's language and time zone.
	Back string
}

// Config is the rules.outofhours block.
type Config struct {
	// Enabled turns the notice on; off by default.
	Enabled bool `yaml:"enabled"`
	// Templates are the notices per client language (Go text/template; fields .AM, .AMName, .Client, .Back).
	Templates map[connectors.Language]string `yaml:"templates"`
}

// DefaultConfig returns the defaults: off, with a notice in every language.
func DefaultConfig() Config {
	return Config{
		Templates: map[connectors.Language]string{
			connectors.LanguageRussian:   "Спасибо за сообщение! Сейчас у {{.AMName}} нерабочее время; ответим {{.Back}}.",
			connectors.LanguageUkrainian: "Дякуємо за повідомлення! Зараз у {{.AMName}} неробочий час; відповімо {{.Back}}.",
			connectors.LanguageEnglish:   "Thanks for your message! {{.AMName}} is outside working hours right now and will reply {{.Back}}.",
		},
	}
}

// Validate checks that every language has a notice that renders.
func (c Config) Validate() error {
	var l field.List
	data := TemplateData{AM: "<@U0000000>", AMName: "Anna", Client: "Acme", Back: "Mon 09:00"}
	langs := make([]string, 0, len(c.Templates))
	for lang := range c.Templates {
		langs = append(langs, string(lang))
	}
	sort.Strings(langs)
	for _, lang := range langs {
		if !connectors.Language(lang).Valid() {
			l.Add("templates."+lang, "unknown language %q (want ru, uk or en)", lang)
			continue
		}
		if err := field.CheckTemplate(c.Templates[connectors.Language(lang)], data); err != nil {
			l.Add("templates."+lang, "%v", err)
		}
	}
	for _, lang := range connectors.Languages() {
		if _, ok := c.Templates[lang]; !ok {
			l.Add("templates", "has no template for language %s", lang)
		}
	}
	return l.Err()
}
