package jirafake

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// adminPrefix roots the seeding and inspection API the sandbox mounts. It
// needs no authentication and is not counted: it is not part of Jira.
const adminPrefix = "/_fake/jira/"

// serveAdmin routes the admin API:
//
//	POST   /_fake/jira/projects          Project        → 201 Project
//	POST   /_fake/jira/users             User           → 204
//	GET    /_fake/jira/issues                           → 200 []Issue
//	POST   /_fake/jira/issues            Issue          → 201 Issue (PutIssue)
//	PATCH  /_fake/jira/issues/{key}      partial Issue  → 200 Issue (UpdateIssue)
//	DELETE /_fake/jira/issues/{key}                     → 204
//	POST   /_fake/jira/issues/{key}/move {"project":K}  → 200 Issue
//	GET    /_fake/jira/worklogs                         → 200 []Worklog
//	POST   /_fake/jira/worklogs          Worklog        → 201 Worklog
//	DELETE /_fake/jira/worklogs/{id}                    → 204
//	GET    /_fake/jira/requests                         → 200 {route: count}
//	DELETE /_fake/jira/requests                         → 204
//	POST   /_fake/jira/failures          {"method","path","status","count","retryAfterSeconds"} → 204
//	POST   /_fake/jira/generate          GenerateOptions → 200 {"issues": n}
func (f *Fake) serveAdmin(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, adminPrefix), "/"), "/")
	route := r.Method + " " + parts[0]
	if len(parts) > 1 {
		route += "/*"
	}
	if len(parts) > 2 {
		route += "/" + parts[2]
	}
	var err error
	switch route {
	case "POST projects":
		var p Project
		if err = adminDecode(r, &p); err == nil {
			if p, err = f.AddProject(p); err == nil {
				writeJSON(w, http.StatusCreated, p)
			}
		}
	case "POST users":
		var u User
		if err = adminDecode(r, &u); err == nil {
			if err = f.AddUser(u); err == nil {
				w.WriteHeader(http.StatusNoContent)
			}
		}
	case "GET issues":
		writeJSON(w, http.StatusOK, f.Issues())
	case "POST issues":
		var in Issue
		if err = adminDecode(r, &in); err == nil {
			if in, err = f.PutIssue(in); err == nil {
				writeJSON(w, http.StatusCreated, in)
			}
		}
	case "PATCH issues/*":
		var raw json.RawMessage
		if err = adminDecode(r, &raw); err == nil {
			var out Issue
			var decErr error
			out, err = f.UpdateIssue(parts[1], func(is *Issue) { decErr = json.Unmarshal(raw, is) })
			if err = errors.Join(decErr, err); err == nil {
				writeJSON(w, http.StatusOK, out)
			}
		}
	case "DELETE issues/*":
		if err = f.DeleteIssue(parts[1]); err == nil {
			w.WriteHeader(http.StatusNoContent)
		}
	case "POST issues/*/move":
		var in struct {
			Project string `json:"project"`
		}
		if err = adminDecode(r, &in); err == nil {
			var out Issue
			if out, err = f.MoveIssue(parts[1], in.Project); err == nil {
				writeJSON(w, http.StatusOK, out)
			}
		}
	case "GET worklogs":
		writeJSON(w, http.StatusOK, f.Worklogs())
	case "POST worklogs":
		var in Worklog
		if err = adminDecode(r, &in); err == nil {
			if in, err = f.AddWorklog(in); err == nil {
				writeJSON(w, http.StatusCreated, in)
			}
		}
	case "DELETE worklogs/*":
		if err = f.DeleteWorklog(parts[1]); err == nil {
			w.WriteHeader(http.StatusNoContent)
		}
	case "GET requests":
		writeJSON(w, http.StatusOK, f.RequestCounts())
	case "DELETE requests":
		f.ResetRequestCounts()
		w.WriteHeader(http.StatusNoContent)
	case "POST failures":
		var in struct {
			Method            string `json:"method"`
			Path              string `json:"path"`
			Status            int    `json:"status"`
			Count             int    `json:"count"`
			RetryAfterSeconds int    `json:"retryAfterSeconds"`
		}
		if err = adminDecode(r, &in); err == nil {
			if in.Status < 400 || in.Path == "" {
				err = errors.New("failure needs a path and a status >= 400")
			} else {
				f.InjectFailure(Failure{Method: in.Method, Path: in.Path, Status: in.Status, Count: in.Count,
					RetryAfter: time.Duration(in.RetryAfterSeconds) * time.Second})
				w.WriteHeader(http.StatusNoContent)
			}
		}
	case "POST generate":
		var in GenerateOptions
		if err = adminDecode(r, &in); err == nil {
			var keys []string
			if keys, err = f.Generate(in); err == nil {
				writeJSON(w, http.StatusOK, map[string]int{"issues": len(keys)})
			}
		}
	default:
		writeErrors(w, http.StatusNotFound, []string{"No admin endpoint matches " + r.Method + " " + r.URL.Path + "."}, nil)
		return
	}
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, ErrNotFound) {
			status = http.StatusNotFound
		}
		writeErrors(w, status, []string{err.Error()}, nil)
	}
}

func adminDecode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New("decoding admin request body: " + err.Error())
	}
	return nil
}
