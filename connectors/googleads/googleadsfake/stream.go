package googleadsfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// serveSearchStream answers googleAds:searchStream after the checks Google
// makes, in Google's order: version, authentication, developer token,
// customer ids and access, body, then the query.
func (f *Fake) serveSearchStream(w http.ResponseWriter, r *http.Request) {
	version, cid, method := r.PathValue("version"), r.PathValue("customer"), r.PathValue("method")
	f.mu.Lock()
	served := slices.Contains(f.versions, version)
	f.mu.Unlock()
	if !served || method != "googleAds:searchStream" {
		notFound(w, r)
		return
	}
	reqID := f.requestID()
	w.Header().Set("request-id", reqID)
	rec := Request{Version: version, CustomerID: cid, LoginCustomerID: r.Header.Get("login-customer-id")}
	fail := func(status int, grpcStatus, msg string, errs ...adsError) {
		rec.Status = status
		f.record(rec)
		f.log.Debug("searchStream refused", "customer", cid, "status", grpcStatus, "msg", msg)
		f.writeFailure(w, version, status, grpcStatus, msg, reqID, errs...)
	}
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || bearer == "" {
		fail(http.StatusUnauthorized, "UNAUTHENTICATED", "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
		return
	}
	principal, ok := f.auth.Principal(bearer)
	if !ok {
		fail(http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
		return
	}
	rec.Principal = principal
	switch dt := r.Header.Get("developer-token"); {
	case dt == "":
		fail(http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			adsError{ErrorCode: map[string]string{"requestError": "DEVELOPER_TOKEN_PARAMETER_MISSING"}, Message: "Developer token parameter is missing."})
		return
	case dt != f.devTK:
		fail(http.StatusUnauthorized, "UNAUTHENTICATED", "Request is missing required authentication credential.",
			adsError{ErrorCode: map[string]string{"authenticationError": "DEVELOPER_TOKEN_INVALID"}, Message: "The developer token is not valid."})
		return
	}
	if !customerIDRE.MatchString(cid) || (rec.LoginCustomerID != "" && !customerIDRE.MatchString(rec.LoginCustomerID)) {
		fail(http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			adsError{ErrorCode: map[string]string{"requestError": "INVALID_CUSTOMER_ID"}, Message: "Invalid customer ID '" + cid + "' (ids are ten digits, without dashes)."})
		return
	}
	acct, denied := f.access(principal, cid, rec.LoginCustomerID)
	if denied != "" {
		fail(http.StatusForbidden, "PERMISSION_DENIED", "The caller does not have permission",
			adsError{ErrorCode: map[string]string{"authorizationError": "USER_PERMISSION_DENIED"}, Message: denied})
		return
	}
	if retry, ok := f.takeToken(); !ok {
		fail(http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
			rateExhausted(retry))
		return
	}
	if retry, ok := f.takeOperation(f.opsLimit); !ok {
		fail(http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
			quotaExhausted(f.opsLimit, retry))
		return
	}
	if in := f.takeFailure(cid); in != nil {
		e := adsError{ErrorCode: map[string]string{in.code: in.value}, Message: "Injected failure: " + in.value}
		if in.retryDelay > 0 {
			e.Message = "Too many requests. Retry in " + strconv.Itoa(int(in.retryDelay.Seconds())) + " seconds."
			e.Details = map[string]any{"quotaErrorDetails": map[string]any{
				"rateScope": "DEVELOPER", "rateName": "Number of operations for basic access",
				"retryDelay": strconv.FormatFloat(in.retryDelay.Seconds(), 'f', -1, 64) + "s"}}
		}
		fail(in.status, in.grpcStatus, "Resource has been exhausted (e.g. check quota).", e)
		return
	}
	var body struct {
		CustomerID        string `json:"customerId"`
		Query             string `json:"query"`
		SummaryRowSetting string `json:"summaryRowSetting"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			msg = "Unknown name " + name + ": Cannot find field."
		}
		fail(http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+msg)
		return
	}
	rec.Query = body.Query
	if body.SummaryRowSetting != "" && body.SummaryRowSetting != "NO_SUMMARY_ROW" {
		fail(http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			adsError{ErrorCode: map[string]string{"requestError": "INVALID_ENUM_VALUE"}, Message: "The fake returns no summary rows."})
		return
	}
	if strings.TrimSpace(body.Query) == "" {
		fail(http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			adsError{ErrorCode: map[string]string{"requestError": "REQUIRED_FIELD_MISSING"}, Message: "The query is required."})
		return
	}
	q, qe := parseQuery(body.Query)
	if qe != nil {
		fail(http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			adsError{ErrorCode: map[string]string{"queryError": qe.code}, Message: qe.msg})
		return
	}
	rows := f.rows(acct, q)
	rec.Status, rec.Rows = http.StatusOK, len(rows)
	f.record(rec)
	f.writeStream(w, acct, q, rows, reqID)
}

// access applies Google's rules: with login-customer-id, the principal
// must be a user of that manager (or of the account itself, when the
// header names the account) and the manager must manage the account;
// without it the principal needs direct access.
func (f *Fake) access(principal, cid, login string) (*Account, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	const msg = "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header. See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid"
	a := f.accounts[cid]
	if a == nil {
		return nil, msg
	}
	direct := slices.Contains(a.Users, principal)
	switch {
	case login == "" || login == cid:
		if !direct {
			return nil, msg
		}
	case !slices.Contains(a.Managers, login) || !slices.Contains(f.managers[login], principal):
		return nil, msg
	}
	return a, ""
}

func (f *Fake) takeFailure(cid string) *injected {
	f.mu.Lock()
	defer f.mu.Unlock()
	in := f.failures[cid]
	if in == nil {
		return nil
	}
	if in.times > 0 {
		in.times--
		if in.times == 0 {
			delete(f.failures, cid)
		}
	}
	return in
}

type row struct {
	date string
	c    campaign
	m    dayMetrics
}

// rows builds the campaign rows of q; without segments.date in SELECT a
// campaign's days are summed into one row, as Google does.
func (f *Fake) rows(a *Account, q *query) []row {
	today := a.today(f.clk.Now())
	byDate := slices.Contains(q.fields, "segments.date")
	var out []row
	for _, c := range a.campaigns() {
		sum := row{c: c}
		seen := false
		eachDay(q.from, q.to, func(date string) {
			m, ok := a.metrics(c, date, today)
			if !ok {
				return
			}
			if byDate {
				out = append(out, row{date: date, c: c, m: m})
				return
			}
			seen = true
			sum.m.impressions += m.impressions
			sum.m.clicks += m.clicks
			sum.m.costMicros += m.costMicros
			sum.m.conversions += m.conversions
			sum.m.conversionsValue += m.conversionsValue
		})
		if !byDate && seen {
			out = append(out, sum)
		}
	}
	if q.orderBy != "" {
		sort.SliceStable(out, func(i, j int) bool {
			less := compareField(a, out[i], out[j], q.orderBy)
			if q.desc {
				return less > 0
			}
			return less < 0
		})
	}
	if q.limit > 0 && len(out) > q.limit {
		out = out[:q.limit]
	}
	return out
}

func compareField(a *Account, x, y row, field string) int {
	vx, vy := fieldValue(a, x, field), fieldValue(a, y, field)
	switch v := vx.(type) {
	case string:
		return strings.Compare(v, vy.(string))
	case float64:
		w := vy.(float64)
		switch {
		case v < w:
			return -1
		case v > w:
			return 1
		}
	}
	return 0
}

// fieldValue is a field's value: strings for ids, enums and dates, float64
// for numbers (int64 fields are converted back to strings when written).
func fieldValue(a *Account, r row, field string) any {
	switch field {
	case "customer.id":
		return a.CustomerID
	case "customer.currency_code":
		return a.Currency
	case "customer.time_zone":
		return a.TimeZone
	case "customer.descriptive_name":
		return a.Name
	case "campaign.id":
		return r.c.id
	case "campaign.name":
		return r.c.name
	case "campaign.status":
		return "ENABLED"
	case "campaign.resource_name":
		return "customers/" + a.CustomerID + "/campaigns/" + r.c.id
	case "segments.date":
		return r.date
	case "metrics.impressions":
		return float64(r.m.impressions)
	case "metrics.clicks":
		return float64(r.m.clicks)
	case "metrics.cost_micros":
		return float64(r.m.costMicros)
	case "metrics.conversions":
		return r.m.conversions
	case "metrics.conversions_value":
		return r.m.conversionsValue
	case "metrics.ctr":
		if r.m.impressions == 0 {
			return 0.0
		}
		return float64(r.m.clicks) / float64(r.m.impressions)
	case "metrics.average_cpc":
		if r.m.clicks == 0 {
			return 0.0
		}
		return float64(r.m.costMicros) / float64(r.m.clicks)
	}
	return ""
}

// int64Fields are written as JSON strings (proto3 JSON for int64).
var int64Fields = map[string]bool{"customer.id": true, "campaign.id": true,
	"metrics.impressions": true, "metrics.clicks": true, "metrics.cost_micros": true}

func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// rowJSON renders a GoogleAdsRow: each selected field under its resource,
// the resources' resourceName always present, default values omitted.
func rowJSON(a *Account, r row, fields []string) map[string]any {
	out := map[string]any{}
	obj := func(name string) map[string]any {
		m, ok := out[name].(map[string]any)
		if !ok {
			m = map[string]any{}
			out[name] = m
		}
		return m
	}
	for _, field := range fields {
		res, name, _ := strings.Cut(field, ".")
		m := obj(res)
		switch res {
		case "customer":
			m["resourceName"] = "customers/" + a.CustomerID
		case "campaign":
			m["resourceName"] = "customers/" + a.CustomerID + "/campaigns/" + r.c.id
		}
		v := fieldValue(a, r, field)
		switch x := v.(type) {
		case string:
			if x != "" {
				m[camel(name)] = x
			}
		case float64:
			if x == 0 {
				continue // proto3 JSON leaves default values out
			}
			if int64Fields[field] {
				m[camel(name)] = strconv.FormatInt(int64(x), 10)
			} else {
				m[camel(name)] = x
			}
		}
	}
	return out
}

// writeStream writes the JSON array of SearchGoogleAdsStreamResponse
// batches, flushing after each so clients read it as a stream.
func (f *Fake) writeStream(w http.ResponseWriter, a *Account, q *query, rows []row, reqID string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	masks := make([]string, len(q.fields))
	for i, fl := range q.fields {
		res, name, _ := strings.Cut(fl, ".")
		masks[i] = res + "." + camel(name)
	}
	mask := strings.Join(masks, ",")
	var buf bytes.Buffer
	buf.WriteString("[")
	flusher, _ := w.(http.Flusher)
	for start := 0; start == 0 || start < len(rows); start += f.batch {
		end := min(start+f.batch, len(rows))
		if start > 0 {
			buf.WriteString(",")
		}
		results := make([]map[string]any, 0, end-start)
		for _, r := range rows[start:end] {
			results = append(results, rowJSON(a, r, q.fields))
		}
		batch := map[string]any{"fieldMask": mask, "requestId": reqID}
		if len(results) > 0 {
			batch["results"] = results
		}
		if end == len(rows) {
			batch["queryResourceConsumption"] = strconv.Itoa(1 + len(rows)/100)
		}
		b, _ := json.Marshal(batch)
		buf.Write(b)
		_, _ = w.Write(buf.Bytes())
		buf.Reset()
		if flusher != nil {
			flusher.Flush()
		}
		if len(rows) == 0 {
			break
		}
	}
	_, _ = w.Write([]byte("]"))
}
