package jirafake

import (
	"encoding/json"
	"testing"
)

// The fake's own encoder writes byte for byte what encoding/json writes,
// so clients decode the same answers either way.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	values := []any{
		nil, true, 0, int64(-42), 3.5, 1e21, "plain", "quote \" backslash \\ tab \t nl \n cr \r bell \a",
		"<b>&amp;</b>", "line\u2028sep\u2029", "bad \xff utf8", "Київ — Ёлка 🎯",
		[]string{"a", "b"}, []any{}, map[string]any{},
		map[string]any{"z": 1, "a": []any{"x", map[string]any{"k": nil, "b": false}}, "m": map[string]string{"q": "r"}},
		struct {
			N string `json:"name"`
		}{"s"},
	}
	for _, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON(nil, v)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		if string(got) != string(want) {
			t.Errorf("%#v:\n got %s\nwant %s", v, got, want)
		}
	}
}
