package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/sync/engine"
)

// cmdFAQ is `liaison faq test "question" [--lang ru] [-n 5] [-v] [-config FILE]`:
// it shows how the answer base ranks a question, so the agency can tune
// its examples and the threshold.
func cmdFAQ(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "test" {
		fmt.Fprintln(stderr, `usage: liaison faq test "question text" [-lang ru|uk|en] [-n 5] [-v] [-config FILE]`)
		return exitUsage
	}
	fs := flag.NewFlagSet("faq test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := configFlag(fs)
	langFlag := fs.String("lang", "", "language of the question (ru, uk, en); default: detected")
	n := fs.Int("n", 5, "how many entries to show")
	verbose := fs.Bool("v", false, "also print the normalised text and the stems")
	// Flags may come after the question, as people type it.
	var question []string
	rest := args[1:]
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return exitUsage
		}
		rest = fs.Args()
		if len(rest) > 0 {
			question = append(question, rest[0])
			rest = rest[1:]
		}
	}
	text := strings.Join(question, " ")
	if strings.TrimSpace(text) == "" || *n < 1 {
		fmt.Fprintln(stderr, "liaison faq test: give the question text (and -n ≥ 1)")
		return exitUsage
	}
	lang := connectors.Language(*langFlag)
	if lang != "" && !lang.Valid() {
		fmt.Fprintf(stderr, "liaison faq test: unknown language %q (want ru, uk or en)\n", lang)
		return exitUsage
	}
	cfg, code := loadConfig(*path, stderr)
	if cfg == nil {
		return code
	}
	if cfg.FAQ == nil || len(cfg.FAQ.Entries) == 0 {
		fmt.Fprintf(stderr, "liaison faq test: %s has no answer base (agency.faq)\n", *path)
		return exitUsage
	}
	if lang == "" {
		lang = faq.DetectLanguage(text, cfg.Agency.Language)
	}
	threshold := cfg.Rules.FAQ.Threshold
	ix := faq.NewIndex(engine.FAQEntries(cfg.FAQ))
	terms := faq.Terms(text, lang)
	fmt.Fprintf(stdout, "language: %s  question: %v  threshold: %.2f\n", lang, faq.IsQuestion(text), threshold)
	if *verbose {
		fmt.Fprintf(stdout, "normalised: %s\nstems: %s\n", faq.Normalize(text), strings.Join(terms, " "))
	}
	ms := ix.MatchTerms(terms, lang, *n)
	if len(ms) == 0 {
		fmt.Fprintln(stdout, "no entry shares two or more words with this question")
		return exitOK
	}
	for i, m := range ms {
		mark := " "
		if i == 0 && m.Score >= threshold {
			mark = "*"
		}
		fmt.Fprintf(stdout, "%s %.3f  %-24s  bm25 %.2f  best example: %s\n", mark, m.Score, m.EntryID, m.BM25, m.Example)
	}
	if ms[0].Score >= threshold {
		fmt.Fprintf(stdout, "* would be suggested to the account manager\n")
	} else {
		fmt.Fprintf(stdout, "nothing reaches the threshold: the question would be recorded as unmatched\n")
	}
	return exitOK
}
