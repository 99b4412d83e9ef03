package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/faq"
)

const faqUsage = `usage: liaison faq test "question text" [-lang ru|uk|en] [-n 5] [-v] [-learned] [-config FILE]
       liaison faq eval [-faq faq.yaml | -config agency.yaml] [-threshold T] [-sweep] [-json] [-learned] FILE.tsv
       liaison faq learned [-entry ID] [-json]
       liaison faq forget ID...`

// cmdFAQ runs `liaison faq test`, `eval`, `learned` and `forget`.
func cmdFAQ(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "test":
			return cmdFAQTest(args[1:], stdout, stderr)
		case "eval":
			return cmdFAQEval(args[1:], stdout, stderr)
		case "learned":
			return cmdFAQLearned(args[1:], stdout, stderr)
		case "forget":
			return cmdFAQForget(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, faqUsage)
	return exitUsage
}

// cmdFAQTest is `liaison faq test "question" [--lang ru] [-n 5] [-v] [-config FILE]`:
// it shows how the answer base ranks a question, so the agency can tune
// its examples and the threshold.
func cmdFAQTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("faq test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := configFlag(fs)
	langFlag := fs.String("lang", "", "language of the client (ru, uk, en): weighs in language identification; default: the agency's")
	n := fs.Int("n", 5, "how many entries to show")
	verbose := fs.Bool("v", false, "also print the normalised text and the stems")
	learnedFlag := fs.Bool("learned", false, "also use the phrasings the running daemon learned from the AMs' clicks, as it does")
	url := fs.String("url", "", "the daemon's `address` for -learned (default: loopback at the port of the config's server.listen)")
	// Flags may come after the question, as people type it.
	var question []string
	rest := args
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
		lang = cfg.Agency.Language
	}
	threshold := cfg.Rules.FAQ.Threshold
	var learned []faq.Learned
	if *learnedFlag {
		var err error
		if learned, err = fetchLearned(adminFlags{config: path, url: url}.base()); err != nil {
			fmt.Fprintf(stderr, "liaison faq test -learned: %v\n", err)
			return exitFailed
		}
	}
	ix := cfg.FAQ.IndexWith(learned)
	o := ix.Assess(text, lang, *n)
	fmt.Fprintf(stdout, "language: %s  kind: %s  threshold: %.2f\n", o.Lang, o.Act, threshold)
	if *learnedFlag {
		fmt.Fprintf(stdout, "with %d phrasings learned from clicks (from the running daemon)\n", len(learned))
	}
	if *verbose {
		fmt.Fprintf(stdout, "normalised: %s\nstems: %s\n", faq.Normalize(text), strings.Join(o.Terms, " "))
	}
	if len(o.Matches) == 0 {
		fmt.Fprintln(stdout, "no entry shares enough words with this message")
		return exitOK
	}
	_, suggest := o.Suggestion(threshold)
	for i, m := range o.Matches {
		mark := " "
		if i == 0 && suggest {
			mark = "*"
		}
		fmt.Fprintf(stdout, "%s %.3f  %-24s  bm25 %.2f  best example: %s\n", mark, m.Score, m.EntryID, m.BM25, m.Example)
	}
	switch {
	case suggest:
		fmt.Fprintf(stdout, "* would be suggested to the account manager\n")
	case !o.Asks():
		fmt.Fprintf(stdout, "the message neither asks nor requests anything: no suggestion\n")
	default:
		fmt.Fprintf(stdout, "nothing reaches the threshold: the question would be recorded as unmatched\n")
	}
	return exitOK
}

// cmdFAQEval is `liaison faq eval [-faq FILE | -config FILE] [-threshold T]
// [-sweep] [-json] FILE.tsv`: precision and recall of an answer base on
// labelled questions, through the daemon's own matching.
func cmdFAQEval(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("faq eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: liaison faq eval [-faq faq.yaml | -config agency.yaml] [-threshold T] [-sweep] [-json] [-learned [-url U]] FILE.tsv")
		fs.PrintDefaults()
	}
	faqPath := fs.String("faq", "", "answer base `file` to evaluate on its own (no agency config needed)")
	cfgPath := fs.String("config", "", "agency config `file` whose answer base (agency.faq) and threshold to use")
	threshold := fs.Float64("threshold", 0, "score a suggestion needs (default: the config's rules.faq.threshold, else the default)")
	sweep := fs.Bool("sweep", false, "also print precision and recall for thresholds 0.20–0.70 and the recommended one")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	learnedFlag := fs.Bool("learned", false, "also use the phrasings the running daemon learned from the AMs' clicks, as it does")
	url := fs.String("url", "", "the daemon's `address` for -learned (default: loopback at the port of -config's server.listen)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 || (*faqPath == "") == (*cfgPath == "") {
		fs.Usage()
		return exitUsage
	}
	if *threshold < 0 || *threshold > 1 {
		fmt.Fprintf(stderr, "liaison faq eval: -threshold must be in (0, 1], not %g\n", *threshold)
		return exitUsage
	}
	var base *configs.FAQ
	var prior connectors.Language
	th := faq.DefaultConfig().Threshold
	if *cfgPath != "" {
		cfg, code := loadConfig(*cfgPath, stderr)
		if cfg == nil {
			return code
		}
		if cfg.FAQ == nil {
			fmt.Fprintf(stderr, "liaison faq eval: %s has no answer base (agency.faq)\n", *cfgPath)
			return exitUsage
		}
		base, prior, th = cfg.FAQ, cfg.Agency.Language, cfg.Rules.FAQ.Threshold
	} else {
		b, err := configs.LoadFAQ(*faqPath)
		if err != nil {
			var probs configs.Problems
			if errors.As(err, &probs) {
				for _, p := range probs {
					fmt.Fprintln(stderr, p.String())
				}
				fmt.Fprintf(stderr, "liaison faq eval: %s is invalid (%d problems)\n", *faqPath, len(probs))
				return exitUsage
			}
			fmt.Fprintf(stderr, "liaison faq eval: %v\n", err)
			return exitUsage
		}
		base = b
	}
	if *threshold > 0 {
		th = *threshold
	}
	file := fs.Arg(0)
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "liaison faq eval: %v\n", err)
		return exitUsage
	}
	qs, err := faq.ReadLabelled(f, file)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "liaison faq eval: %v\n", err)
		return exitUsage
	}
	var learned []faq.Learned
	if *learnedFlag {
		if learned, err = fetchLearned(adminFlags{config: cfgPath, url: url}.base()); err != nil {
			fmt.Fprintf(stderr, "liaison faq eval -learned: %v\n", err)
			return exitFailed
		}
	}
	ev, err := faq.NewEvaluator(base.IndexWith(learned), qs, prior)
	if err != nil {
		fmt.Fprintf(stderr, "liaison faq eval: %s: %v\n", file, err)
		return exitUsage
	}
	res := ev.Score(th)
	if *learnedFlag {
		res.Learned = len(learned)
	}
	if *sweep {
		res.Sweep, res.Recommended = ev.Sweep()
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "liaison faq eval: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	printEvaluation(stdout, file, res)
	return exitOK
}

func printEvaluation(w io.Writer, file string, res faq.Evaluation) {
	langs := make([]string, 0, len(res.Languages))
	for l := range res.Languages {
		langs = append(langs, string(l))
	}
	sort.Strings(langs)
	fmt.Fprintf(w, "%s at threshold %.2f", file, res.Threshold)
	if res.Learned > 0 {
		fmt.Fprintf(w, ", with %d phrasings learned from clicks", res.Learned)
	}
	fmt.Fprintf(w, "\n\n")
	fmt.Fprintf(w, "lang  precision  recall  questions  answerable  suggested  correct\n")
	for _, l := range langs {
		s := res.Languages[connectors.Language(l)]
		fmt.Fprintf(w, "%-4s  %9.3f  %6.3f  %9d  %10d  %9d  %7d\n", l, s.Precision, s.Recall, s.Questions, s.Answerable, s.Suggested, s.Correct)
	}
	fmt.Fprintf(w, "\nentry                     expected  suggested  correct\n")
	for _, e := range res.Entries {
		fmt.Fprintf(w, "%-24s  %8d  %9d  %7d\n", e.ID, e.Answerable, e.Suggested, e.Correct)
	}
	if len(res.Confusions) > 0 {
		fmt.Fprintf(w, "\nwrong suggestions and misses (line: expected → got, score):\n")
		for _, c := range res.Confusions {
			got := c.Got
			if got == "" {
				got = "(nothing)"
			}
			fmt.Fprintf(w, "  %d: %s %s → %s %.2f  %s\n", c.Line, c.Lang, c.Expected, got, c.Score, c.Question)
		}
	}
	if len(res.Sweep) > 0 {
		fmt.Fprintf(w, "\nthreshold")
		for _, l := range langs {
			fmt.Fprintf(w, "  %s P   %s R ", l, l)
		}
		fmt.Fprintln(w)
		for _, p := range res.Sweep {
			fmt.Fprintf(w, "%9.2f", p.Threshold)
			for _, l := range langs {
				s := p.Languages[connectors.Language(l)]
				fmt.Fprintf(w, "  %.3f  %.3f", s.Precision, s.Recall)
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "\nrecommended threshold for this base: %.2f (best F0.5 — precision weighed twice — in the worst language)\n", res.Recommended)
	}
}
