package slackfake

import (
	"strings"
	"testing"
)

func TestValidateBlocks(t *testing.T) {
	long := strings.Repeat("a", 3001)
	many := "[" + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, 51), ",") + "]"
	tests := []struct {
		name, blocks, want string
	}{
		{"valid mix", `[{"type":"header","text":{"type":"plain_text","text":"Hi","emoji":true}},{"type":"section","text":{"type":"mrkdwn","text":"*x*"},"accessory":{"type":"button","action_id":"a","text":{"type":"plain_text","text":"Go"}}},{"type":"context","elements":[{"type":"mrkdwn","text":"ctx"}]},{"type":"divider"}]`, ""},
		{"not json", `[{`, "invalid_blocks_format"},
		{"object not array", `{"type":"divider"}`, "invalid_blocks_format"},
		{"unknown type", `[{"type":"banner"}]`, "invalid_blocks"},
		{"missing type", `[{"text":"x"}]`, "invalid_blocks"},
		{"header mrkdwn", `[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]`, "invalid_blocks"},
		{"header too long", `[{"type":"header","text":{"type":"plain_text","text":"` + strings.Repeat("h", 151) + `"}}]`, "invalid_blocks"},
		{"section text too long", `[{"type":"section","text":{"type":"mrkdwn","text":"` + long + `"}}]`, "invalid_blocks"},
		{"section without text", `[{"type":"section"}]`, "invalid_blocks"},
		{"empty text", `[{"type":"section","text":{"type":"mrkdwn","text":""}}]`, "invalid_blocks"},
		{"emoji on mrkdwn", `[{"type":"section","text":{"type":"mrkdwn","text":"x","emoji":true}}]`, "invalid_blocks"},
		{"too many blocks", many, "invalid_blocks"},
		{"duplicate block_id", `[{"type":"divider","block_id":"a"},{"type":"divider","block_id":"a"}]`, "invalid_blocks"},
		{"empty actions", `[{"type":"actions","elements":[]}]`, "invalid_blocks"},
		{"duplicate action_id", `[{"type":"actions","elements":[{"type":"button","action_id":"x","text":{"type":"plain_text","text":"a"}},{"type":"button","action_id":"x","text":{"type":"plain_text","text":"b"}}]}]`, "invalid_blocks"},
		{"button style", `[{"type":"actions","elements":[{"type":"button","action_id":"x","style":"blue","text":{"type":"plain_text","text":"a"}}]}]`, "invalid_blocks"},
		{"image without alt", `[{"type":"image","image_url":"https://x.example/a.png"}]`, "invalid_blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, aerr := validateBlocks(tt.blocks)
			got := ""
			if aerr != nil {
				got = aerr.code
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got == "invalid_blocks" {
				rm := aerr.extra["response_metadata"].(map[string]any)
				if msgs := rm["messages"].([]string); len(msgs) != 1 || !strings.Contains(msgs[0], "json-pointer:/blocks") {
					t.Errorf("messages = %v", msgs)
				}
			}
		})
	}
}
