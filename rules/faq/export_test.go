package faq

// TuneParams mirrors params for the tuning sweep in eval_test.go, which
// is in package faq_test.
type TuneParams struct {
	K1, B, ExampleSide, ExampleWeight float64
	MinShared                         int
	RivalPenalty, WeakWeight          float64
	SharedPooled, SharedStrong        bool
	CoverAnswers                      bool
	TopK                              int
	ActPenalty, NegMargin, NoneMargin float64
	ShortTerms                        int
	Bare, WeakOnce                    bool
	CalGamma, CalRef, CalMax          float64
	AnswerWeight                      float64
	ConceptWeight                     float64
	ConceptGroups                     [][]string
}

// DefaultTuneParams returns the shipped parameters.
func DefaultTuneParams() TuneParams {
	p := defaultParams()
	return TuneParams{K1: p.k1, B: p.b, ExampleSide: p.exampleSide, ExampleWeight: p.exampleWeight, MinShared: p.minShared,
		RivalPenalty: p.rivalPenalty, WeakWeight: p.weakWeight, SharedPooled: p.sharedPooled, SharedStrong: p.sharedStrong,
		CoverAnswers: p.coverAnswers, TopK: p.topK, ActPenalty: p.actPenalty, NegMargin: p.negMargin, NoneMargin: p.noneMargin, ShortTerms: p.shortTerms, Bare: p.bare, WeakOnce: p.weakOnce, CalGamma: p.calGamma, CalRef: p.calRef, CalMax: p.calMax, AnswerWeight: p.answerWeight, ConceptWeight: p.conceptWeight}
}

// NewTunedIndex is NewIndex with other parameters.
func NewTunedIndex(entries []Entry, t TuneParams, synonyms ...[]string) *Index {
	return newIndex(entries, params{k1: t.K1, b: t.B, exampleSide: t.ExampleSide, exampleWeight: t.ExampleWeight,
		minShared: t.MinShared, rivalPenalty: t.RivalPenalty, weakWeight: t.WeakWeight, sharedPooled: t.SharedPooled,
		sharedStrong: t.SharedStrong, coverAnswers: t.CoverAnswers, topK: t.TopK, actPenalty: t.ActPenalty,
		negMargin: t.NegMargin, noneMargin: t.NoneMargin, shortTerms: t.ShortTerms, bare: t.Bare, weakOnce: t.WeakOnce, calGamma: t.CalGamma, calRef: t.CalRef, calMax: t.CalMax, answerWeight: t.AnswerWeight, conceptWeight: t.ConceptWeight, concepts: t.ConceptGroups}, synonyms)
}
