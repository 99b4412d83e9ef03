package googleadsfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

type tokens map[string]string

func (t tokens) Principal(tok string) (string, bool) { p, ok := t[tok]; return p, ok }

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		q    string
		code string // "" when it parses
	}{
		{"SELECT campaign.id, metrics.clicks, segments.date FROM campaign WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31'", ""},
		{"select campaign.id, metrics.clicks from campaign where segments.date between \"2026-01-01\" and \"2026-01-31\" order by metrics.clicks desc limit 5", ""},
		{"SELECT campaign.id FROM campaign WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31'", "EXPECTED_DIMENSION_FIELD_IN_SELECT_CLAUSE"},
		{"campaign.id FROM campaign", "EXPECTED_SELECT"},
		{"SELECT metrics.clicks campaign WHERE", "EXPECTED_FROM"},
		{"SELECT metrics.clicks FROM ad_group WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31'", "PROHIBITED_RESOURCE_TYPE_IN_FROM_CLAUSE"},
		{"SELECT metrics.bogus FROM campaign WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31'", "UNRECOGNIZED_FIELD"},
		{"SELECT metrics.clicks, segments.date FROM campaign", "EXPECTED_FILTERS_ON_DATE_RANGE"},
		{"SELECT metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-1-1' AND '2026-01-31'", "INVALID_DATE_FORMAT"},
		{"SELECT metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-01-31' AND '2026-01-01'", "INVALID_VALUE_WITH_BETWEEN_OPERATOR"},
		{"SELECT metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-01-01' '2026-01-31'", "EXPECTED_AND"},
		{"SELECT metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-01-01 AND '2026-01-31'", "STRING_NOT_TERMINATED"},
		{"SELECT metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31", "STRING_NOT_TERMINATED"},
		{"SELECT metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31' ORDER BY campaign.id", "EXPECTED_REFERENCED_FIELD_IN_SELECT_CLAUSE"},
		{"SELECT metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31' LIMIT 0", "BAD_LIMIT_VALUE"},
		{"SELECT metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31' PARAMETERS x", "UNEXPECTED_INPUT"},
		{"SELECT metrics.clicks FROM campaign WHERE campaign.status = 'ENABLED'", "PROHIBITED_FIELD_IN_WHERE_CLAUSE"},
		{"SELECT metrics.clicks; FROM campaign", "BAD_SYMBOL"},
		{"SELECT", "UNEXPECTED_END_OF_QUERY"},
	} {
		_, qe := parseQuery(tc.q)
		got := ""
		if qe != nil {
			got = qe.code
		}
		if got != tc.code {
			t.Errorf("%q: got %q, want %q", tc.q, got, tc.code)
		}
	}
}

func newServer(t *testing.T, batch int) (*Fake, *httptest.Server) {
	t.Helper()
	f := New(Options{Clock: clock.NewFake(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)), BatchSize: batch,
		Auth: tokens{"good": "user@agency.example", "stranger": "x@else.example"}})
	if err := f.AddManager("9990000001", "user@agency.example"); err != nil {
		t.Fatal(err)
	}
	if err := f.AddAccount(Account{CustomerID: "1234567890", Managers: []string{"9990000001"}, Users: []string{"direct@client.example"}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.Handler())
	t.Cleanup(srv.Close)
	return f, srv
}

const goodQuery = "SELECT customer.currency_code, campaign.id, segments.date, metrics.impressions, metrics.clicks, metrics.cost_micros, " +
	"metrics.conversions, metrics.conversions_value, metrics.ctr, metrics.average_cpc FROM campaign " +
	"WHERE segments.date BETWEEN '2026-11-01' AND '2026-11-26'"

func post(t *testing.T, url string, hdr map[string]string, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSearchStreamRules(t *testing.T) {
	_, srv := newServer(t, 0)
	good := map[string]string{"Authorization": "Bearer good", "developer-token": DefaultDeveloperToken, "login-customer-id": "9990000001"}
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for a, b := range good {
			h[a] = b
		}
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}
	body := `{"query":"` + goodQuery + `"}`
	for _, tc := range []struct {
		name   string
		path   string
		hdr    map[string]string
		body   string
		status int
		want   string
	}{
		{"ok", "/v22/customers/1234567890/googleAds:searchStream", good, body, 200, `"fieldMask"`},
		{"sunset version", "/v15/customers/1234567890/googleAds:searchStream", good, body, 404, "Error 404"},
		{"unknown method", "/v22/customers/1234567890/googleAds:search2", good, body, 404, "Error 404"},
		{"no bearer", "/v22/customers/1234567890/googleAds:searchStream", with("Authorization", ""), body, 401, "UNAUTHENTICATED"},
		{"bad bearer", "/v22/customers/1234567890/googleAds:searchStream", with("Authorization", "Bearer nope"), body, 401, "UNAUTHENTICATED"},
		{"no developer token", "/v22/customers/1234567890/googleAds:searchStream", with("developer-token", ""), body, 400, "DEVELOPER_TOKEN_PARAMETER_MISSING"},
		{"wrong developer token", "/v22/customers/1234567890/googleAds:searchStream", with("developer-token", "x"), body, 401, "DEVELOPER_TOKEN_INVALID"},
		{"dashed id", "/v22/customers/123-456-7890/googleAds:searchStream", good, body, 400, "INVALID_CUSTOMER_ID"},
		{"no login-customer-id", "/v22/customers/1234567890/googleAds:searchStream", with("login-customer-id", ""), body, 403, "USER_PERMISSION_DENIED"},
		{"foreign manager", "/v22/customers/1234567890/googleAds:searchStream", with("login-customer-id", "1111111111"), body, 403, "USER_PERMISSION_DENIED"},
		{"stranger", "/v22/customers/1234567890/googleAds:searchStream", with("Authorization", "Bearer stranger"), body, 403, "USER_PERMISSION_DENIED"},
		{"unknown field", "/v22/customers/1234567890/googleAds:searchStream", good, `{"query":"x","pageSize":5}`, 400, "Unknown"},
		{"bad query", "/v22/customers/1234567890/googleAds:searchStream", good, `{"query":"SELECT nothing"}`, 400, `"queryError":"BAD_FIELD_NAME"`},
		{"no query", "/v22/customers/1234567890/googleAds:searchStream", good, `{}`, 400, "REQUIRED_FIELD_MISSING"},
	} {
		status, got := post(t, srv.URL+tc.path, tc.hdr, tc.body)
		if status != tc.status || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %d %s; want %d with %q", tc.name, status, got, tc.status, tc.want)
		}
	}
}

func TestQuotaErrorShape(t *testing.T) {
	f, srv := newServer(t, 0)
	f.InjectQuotaError("1234567890", 1, 30*time.Second)
	hdr := map[string]string{"Authorization": "Bearer good", "developer-token": DefaultDeveloperToken, "login-customer-id": "9990000001"}
	status, body := post(t, srv.URL+"/v22/customers/1234567890/googleAds:searchStream", hdr, `{"query":"`+goodQuery+`"}`)
	var got []struct {
		Error struct {
			Code    int
			Status  string
			Details []struct {
				Type   string `json:"@type"`
				Errors []struct {
					ErrorCode map[string]string
					Details   struct{ QuotaErrorDetails struct{ RetryDelay string } }
				}
				RequestID string
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || status != 429 || len(got) != 1 {
		t.Fatalf("%d %s: %v", status, body, err)
	}
	d := got[0].Error.Details[0]
	if got[0].Error.Status != "RESOURCE_EXHAUSTED" || d.Type != "type.googleapis.com/google.ads.googleads.v22.errors.GoogleAdsFailure" ||
		d.Errors[0].ErrorCode["quotaError"] != "RESOURCE_EXHAUSTED" || d.Errors[0].Details.QuotaErrorDetails.RetryDelay != "30s" || d.RequestID == "" {
		t.Errorf("quota failure %s", body)
	}
	if status, _ := post(t, srv.URL+"/v22/customers/1234567890/googleAds:searchStream", hdr, `{"query":"`+goodQuery+`"}`); status != 200 {
		t.Errorf("second call %d, want the one injected failure only", status)
	}
}

// TestStreamFollowsProtos checks the stream's shape (an array of batches)
// and that every field name it writes is a field of the v22 protos, in
// lowerCamelCase, with int64 fields as strings.
func TestStreamFollowsProtos(t *testing.T) {
	f, srv := newServer(t, 10)
	hdr := map[string]string{"Authorization": "Bearer good", "developer-token": DefaultDeveloperToken, "login-customer-id": "9990000001"}
	status, body := post(t, srv.URL+"/v22/customers/1234567890/googleAds:searchStream", hdr, `{"query":"`+goodQuery+`"}`)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var batches []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &batches); err != nil {
		t.Fatal(err)
	}
	tot := f.Totals("1234567890", "2026-11-01", "2026-11-26")
	if want := (tot.Rows + 9) / 10; len(batches) != want {
		t.Errorf("%d batches, want %d of 10 rows", len(batches), want)
	}
	protoFields := loadProtoFields(t)
	for _, b := range batches {
		for k := range b {
			if !protoFields["SearchGoogleAdsStreamResponse."+k] {
				t.Errorf("batch field %q is not in SearchGoogleAdsStreamResponse", k)
			}
		}
		var rows []map[string]map[string]any
		_ = json.Unmarshal(b["results"], &rows)
		for _, r := range rows {
			for res, fields := range r {
				msg := map[string]string{"customer": "Customer", "campaign": "Campaign", "metrics": "Metrics", "segments": "Segments"}[res]
				if msg == "" {
					t.Errorf("row resource %q unknown", res)
				}
				for k, v := range fields {
					if !protoFields[msg+"."+k] {
						t.Errorf("field %s.%s is not in the v22 protos", res, k)
					}
					if k == "id" || k == "impressions" || k == "clicks" || k == "costMicros" {
						if _, ok := v.(string); !ok {
							t.Errorf("int64 field %s.%s written as %T", res, k, v)
						}
					}
				}
			}
		}
	}
}

// loadProtoFields reads message fields from the v22 protos as
// "Message.lowerCamelName"; the test skips when the specs are absent.
func loadProtoFields(t *testing.T) map[string]bool {
	t.Helper()
	root := filepath.Join("..", "..", "..", "..", "shared", "specs", "googleads", "proto", "google", "ads", "googleads", "v22")
	files := map[string]string{
		"Customer": "resources/customer.proto", "Campaign": "resources/campaign.proto",
		"Metrics": "common/metrics.proto", "Segments": "common/segments.proto",
		"SearchGoogleAdsStreamResponse": "services/google_ads_service.proto",
	}
	out := map[string]bool{}
	fieldRE := regexp.MustCompile(`^\s+(?:optional |repeated )?[\w.]+ (\w+) = \d+`)
	for msg, rel := range files {
		raw, err := os.ReadFile(filepath.Join(root, rel))
		if os.IsNotExist(err) {
			t.Skip("v22 protos not found")
		}
		if err != nil {
			t.Fatal(err)
		}
		in := false
		depth := 0
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "message "+msg+" {") {
				in, depth = true, 0
			}
			if !in {
				continue
			}
			depth += strings.Count(line, "{") - strings.Count(line, "}")
			if m := fieldRE.FindStringSubmatch(line); m != nil {
				out[msg+"."+camel(m[1])] = true
			}
			if depth == 0 && strings.Contains(line, "}") {
				in = false
			}
		}
	}
	if len(out) < 50 {
		t.Fatalf("read only %d proto fields", len(out))
	}
	return out
}
