package jirafake

import (
	"net/http"
	"strings"
)

func (f *Fake) handleMyself(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "expand") {
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	u := f.currentUserLocked(r)
	writeJSON(w, http.StatusOK, f.renderUser(u, f.baseURL(r)+"/rest/api/"+apiVersion(r)))
}

// renderUser is the full User object of /myself and /user/search.
func (f *Fake) renderUser(u *User, api string) map[string]any {
	m := f.renderUserDetails(u, api)
	m["locale"] = "en_US"
	return m
}

func (f *Fake) handleUserSearch(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "query", "username", "accountId", "startAt", "maxResults", "property") {
		return
	}
	q := r.URL.Query()
	query, accountID := strings.ToLower(q.Get("query")), q.Get("accountId")
	if query == "" && accountID == "" && q.Get("property") == "" {
		badRequest(w, "One of 'query' or 'accountId' parameters must be provided.")
		return
	}
	if q.Get("property") != "" {
		badRequest(w, "The fake does not support searching users by property.")
		return
	}
	startAt, maxResults, ok := pageParams(w, r, 50)
	if !ok {
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	api := f.baseURL(r) + "/rest/api/" + apiVersion(r)
	var matches []*User
	for _, u := range f.users {
		switch {
		case accountID != "" && u.AccountID != accountID:
		case query != "" && !strings.Contains(strings.ToLower(u.DisplayName), query) && !strings.HasPrefix(strings.ToLower(u.Email), query):
		default:
			matches = append(matches, u)
		}
	}
	out := []any{}
	for k := startAt; k < len(matches) && len(out) < maxResults; k++ {
		out = append(out, f.renderUser(matches[k], api))
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) handleServerInfo(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"baseUrl": f.baseURL(r), "displayUrl": f.baseURL(r), "version": "1001.0.0-SNAPSHOT", "versionNumbers": []int{1001, 0, 0},
		"deploymentType": "Cloud", "buildNumber": 100290, "serverTime": f.fmtTime(f.clock.Now()), "serverTimeZone": f.tz.String(),
		"scmInfo": "jirafake", "serverTitle": "Jira (fake)",
	})
}
