package questions

import "testing"

func TestCleanText(t *testing.T) {
	names := map[string]string{"U0TIMUR001": "Timur Abenov"}
	tests := []struct{ in, want string }{
		{"<@U0TIMUR001> когда отчёт?", "@Timur Abenov когда отчёт?"},
		{"<@U0TIMUR001|timur> hi", "@Timur Abenov hi"},
		{"<@U0OTHER01|kate> hi", "@kate hi"},
		{"<@U0OTHER01> hi", "@U0OTHER01 hi"},
		{"see <#C0STEPPE01|ext-steppe>", "see #ext-steppe"},
		{"<!here> budget?", "@here budget?"},
		{"<!subteam^S123|@ppc-team> ping", "@ppc-team ping"},
		{"<https://example.com/a?b=1&amp;c=2|the report>", "the report (https://example.com/a?b=1&c=2)"},
		{"<https://example.com>", "https://example.com"},
		{"<mailto:a@b.example|a@b.example>", "a@b.example (mailto:a@b.example)"},
		// Escaped brackets are text, not markup, and are decoded last.
		{"CPC &lt;50 &amp; CTR &gt;2%", "CPC <50 & CTR >2%"},
		{"&lt;@U0TIMUR001&gt;", "<@U0TIMUR001>"},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in, names); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
