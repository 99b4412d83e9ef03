package sheetsfake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAdminEdit: a person's edit through the admin route lands in the
// cell as typed, keeps nothing of the old value, and an unknown tab or a
// malformed body is refused.
func TestAdminEdit(t *testing.T) {
	f := New(Options{})
	f.mu.Lock()
	b := newSpreadsheet("s1", "Acme")
	b.sheets[0].props.Title = "Summary"
	b.sheets[0].cells[[2]int64{1, 0}] = &cell{value: "Liaison's text"}
	f.books["s1"] = b
	f.mu.Unlock()
	h := f.AdminHandler()
	post := func(body string) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/_fake/drive/files/s1/edit", strings.NewReader(body)))
		return w.Code
	}
	if code := post(`{"range": "Summary!A2", "text": "The AM's words"}`); code != http.StatusNoContent {
		t.Fatalf("edit answered %d", code)
	}
	snap, _ := f.Spreadsheet("s1")
	if got := snap.Sheet("Summary").Value("A2"); got != "The AM's words" {
		t.Errorf("A2 = %v", got)
	}
	if code := post(`{"range": "Nope!A2", "text": "x"}`); code != http.StatusNotFound {
		t.Errorf("an unknown tab answered %d, want 404", code)
	}
	if code := post(`{"cell": "A2"}`); code != http.StatusBadRequest {
		t.Errorf("a malformed body answered %d, want 400", code)
	}
}
