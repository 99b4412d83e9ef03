package sheetsfake

import (
	"encoding/json"
	"net/http"
)

// AdminHandler serves what people do in Drive's web interface, for the
// sandbox and demos (mounted at /_fake/drive/ by the sandbox):
//
//	POST   /_fake/drive/files/{id}/trash   move a file to the trash
//	DELETE /_fake/drive/files/{id}         delete it for good
//	POST   /_fake/drive/files/{id}/share   {"email": "...", "role": "reader"}: share by hand
//
// No credentials are checked: it stands for a person at a browser.
func (f *Fake) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_fake/drive/files/{id}/trash", func(w http.ResponseWriter, r *http.Request) {
		adminAnswer(w, f.Trash(r.PathValue("id")))
	})
	mux.HandleFunc("DELETE /_fake/drive/files/{id}", func(w http.ResponseWriter, r *http.Request) {
		adminAnswer(w, f.Delete(r.PathValue("id")))
	})
	mux.HandleFunc("POST /_fake/drive/files/{id}/share", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Email string `json:"email"`
			Role  string `json:"role"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil || in.Email == "" || in.Role == "" {
			writeErrorAt(w, http.StatusBadRequest, "want {\"email\": ..., \"role\": ...}", "badRequest", "")
			return
		}
		adminAnswer(w, f.Share(r.PathValue("id"), in.Email, in.Role))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErrorAt(w, http.StatusNotFound, "sheetsfake admin: no route for "+r.Method+" "+r.URL.Path, "notFound", "")
	})
	return mux
}

func adminAnswer(w http.ResponseWriter, ok bool) {
	if !ok {
		writeErrorAt(w, http.StatusNotFound, "no such file", "notFound", "fileId")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
