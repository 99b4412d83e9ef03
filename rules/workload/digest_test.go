package workload

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

var update = flag.Bool("update", false, "rewrite the golden digests")

func sampleDigest(t *testing.T, lang connectors.Language) Digest {
	t.Helper()
	in, now := world(t)
	in.Config.MaxClients = 1
	in.Tasks = fortyHours(8 * h)
	in.Tasks = append(in.Tasks, task("BOLT-3", "acc-kate", "2026-12-01", nil))
	loads := Measure(in, now)
	from, _ := hours.ParseDate("2026-11-30")
	to, _ := hours.ParseDate("2026-12-06")
	return Digest{Language: lang, Week: "2026-W50", From: from, To: to, Lines: []DigestLine{
		{Load: loads[0], Redirects: 4, DirectReplies: 1},
		{Load: loads[1], Redirects: 3, DirectReplies: 1},
		{Load: Load{Person: "oleh", Name: "Oleh", Role: connectors.RoleSpecialist, OpenTasks: 2, MaxOpenTasks: 15,
			Remaining: 4 * 3600e9, Available: 40 * 3600e9, HorizonEnd: to, MaxUtilization: 0.9}},
	}}
}

// TestDigestGolden pins the digest in each language: run with -update after
// an intended change and read the diff.
func TestDigestGolden(t *testing.T) {
	for _, lang := range connectors.Languages() {
		t.Run(string(lang), func(t *testing.T) {
			text, blocks := sampleDigest(t, lang).Render()
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, blocks, "", "  "); err != nil {
				t.Fatalf("blocks are not JSON: %v", err)
			}
			got := text + "\n---\n" + pretty.String() + "\n"
			path := filepath.Join("testdata", "digest."+string(lang)+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("digest differs from %s (run with -update to accept):\n%s", path, got)
			}
		})
	}
}

func TestDigestContent(t *testing.T) {
	text, blocks := sampleDigest(t, connectors.LanguageEnglish).Render()
	// Overloaded people first, each with their own line.
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 5 {
		t.Fatalf("want a title, a period and 3 people, got:\n%s", text)
	}
	for i, want := range []string{"*Anna*", "*Kate*", "*Oleh*"} {
		if !strings.HasPrefix(lines[2+i], "• "+want) {
			t.Errorf("line %d = %q, want it about %s", 2+i, lines[2+i], want)
		}
	}
	for _, want := range []string{
		"Open tasks: 6/15; Estimate / available: 40 h / 32 h (1 without estimate); Overdue: 1; Redirects: 3; Direct replies · redirected: 1; Direct replies · unaddressed: 0",
		"Clients: 2/1; Overdue: 1; Redirects: 4",
		"Open tasks: 2/15; Estimate / available: 4 h / 40 h",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatal(err)
	}
	if len(bs) != 5 || bs[0]["type"] != "header" || bs[2]["type"] != "section" {
		t.Fatalf("blocks: %s", blocks)
	}
	if !strings.Contains(string(blocks), "██████████ 125%") || !strings.Contains(string(blocks), "█░░░░░░░░░ 10%") {
		t.Errorf("bars missing: %s", blocks)
	}
}

func TestDigestCapsBlocks(t *testing.T) {
	d := Digest{Language: connectors.LanguageRussian, Week: "2026-W50"}
	for i := range 60 {
		d.Lines = append(d.Lines, DigestLine{Load: Load{Person: string(rune('a' + i%26)), Role: connectors.RoleSpecialist, MaxOpenTasks: 15}})
	}
	text, blocks := d.Render()
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatal(err)
	}
	if len(bs) > 50 {
		t.Errorf("%d blocks, Slack takes 50", len(bs))
	}
	if !strings.Contains(string(blocks), "ещё 14 человек") || strings.Count(text, "• ") != 60 {
		t.Errorf("the overflow is not told or the text lacks people")
	}
}

func TestBar(t *testing.T) {
	for x, want := range map[float64]string{0: "░░░░░░░░░░ 0%", 0.82: "████████░░ 82%", 0.86: "█████████░ 86%", 1: "██████████ 100%", 1.5: "██████████ 150%"} {
		if got := bar(x); got != want {
			t.Errorf("bar(%v) = %q, want %q", x, got, want)
		}
	}
}
