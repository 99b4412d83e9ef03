package googleads

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/httpx"
)

// int64s decodes proto3 JSON int64s, which arrive as strings (numbers are
// accepted too, as protobuf parsers do).
type int64s int64

func (v *int64s) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*v = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("int64 field %s: %w", b, err)
	}
	*v = int64s(n)
	return nil
}

// adsRow is the part of a GoogleAdsRow Liaison reads. Absent fields are
// zero: proto3 JSON leaves default values out.
type adsRow struct {
	Customer struct {
		CurrencyCode    string `json:"currencyCode"`
		TimeZone        string `json:"timeZone"`
		DescriptiveName string `json:"descriptiveName"`
	} `json:"customer"`
	Campaign struct {
		ID   int64s `json:"id"`
		Name string `json:"name"`
	} `json:"campaign"`
	Segments struct {
		Date string `json:"date"`
	} `json:"segments"`
	Metrics struct {
		Impressions      int64s  `json:"impressions"`
		Clicks           int64s  `json:"clicks"`
		CostMicros       int64s  `json:"costMicros"`
		Conversions      float64 `json:"conversions"`
		ConversionsValue float64 `json:"conversionsValue"`
		Ctr              float64 `json:"ctr"`
		AverageCpc       float64 `json:"averageCpc"`
	} `json:"metrics"`
}

// rpcStatus is google.rpc.Status as Google's REST front end renders it.
type rpcStatus struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  string `json:"status"`
	Details []struct {
		Type   string `json:"@type"`
		Errors []struct {
			ErrorCode map[string]string `json:"errorCode"`
			Message   string            `json:"message"`
			Details   struct {
				QuotaErrorDetails struct {
					RetryDelay string `json:"retryDelay"`
				} `json:"quotaErrorDetails"`
			} `json:"details"`
		} `json:"errors"`
		RequestID string `json:"requestId"`
	} `json:"details"`
}

func (s rpcStatus) apiError(httpStatus int) *APIError {
	e := &APIError{HTTPStatus: httpStatus, Status: s.Status, Message: s.Message}
	if e.HTTPStatus == 0 {
		e.HTTPStatus = s.Code
	}
	for _, d := range s.Details {
		if !strings.HasSuffix(d.Type, ".errors.GoogleAdsFailure") {
			continue
		}
		e.RequestID = d.RequestID
		for _, ge := range d.Errors {
			for k, v := range ge.ErrorCode {
				e.Codes = append(e.Codes, ErrorCode{Kind: k, Value: v})
				e.Messages = append(e.Messages, ge.Message)
			}
			if rd := ge.Details.QuotaErrorDetails.RetryDelay; rd != "" {
				if d, err := time.ParseDuration(rd); err == nil {
					e.RetryDelay = d
				}
			}
		}
	}
	return e
}

// streamBatch is one SearchGoogleAdsStreamResponse, or the error element a
// stream that fails midway ends with.
type streamBatch struct {
	Results   []adsRow   `json:"results"`
	FieldMask string     `json:"fieldMask"`
	RequestID string     `json:"requestId"`
	Error     *rpcStatus `json:"error"`
}

// searchStream posts query and calls fn for every row, decoding the
// stream one batch at a time so that memory stays bounded by a batch.
func (s *Syncer) searchStream(ctx context.Context, ts oauth2.TokenSource, a Account, query string, fn func(adsRow) error) error {
	tok, err := ts.Token()
	if err != nil {
		return google.AsTokenError(err)
	}
	body, _ := json.Marshal(map[string]string{"query": query})
	u := s.baseURL + s.version + "/customers/" + a.CustomerID + "/googleAds:searchStream"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building searchStream request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("developer-token", s.devToken)
	if a.LoginCustomerID != "" {
		req.Header.Set("login-customer-id", a.LoginCustomerID)
	}
	// Pacing to the token's rate costs nothing upstream; a 429 costs a
	// request and the retry delay Google names.
	paced, err := s.pace.Wait(ctx)
	if err != nil {
		return fmt.Errorf("google ads: %w", err)
	}
	resp, err := s.hc.Do(req.WithContext(httpx.PaceRetries(ctx, s.pace, paced)))
	paced()
	if err != nil {
		return fmt.Errorf("posting searchStream: %w", redactErr(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound && !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return &APIError{HTTPStatus: resp.StatusCode, Version: s.version}
	}
	if resp.StatusCode/100 != 2 {
		return readError(resp)
	}
	return decodeStream(resp.Body, fn)
}

// decodeStream reads a searchStream answer, a JSON array of batches, and
// calls fn for every row; a batch carrying an error ends it with that error.
func decodeStream(r io.Reader, fn func(adsRow) error) error {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil {
		return fmt.Errorf("reading searchStream: %w", err)
	} else if d, ok := t.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("reading searchStream: expected a JSON array, got %v", t)
	}
	for dec.More() {
		var b streamBatch
		if err := dec.Decode(&b); err != nil {
			return fmt.Errorf("reading searchStream batch: %w", err)
		}
		if b.Error != nil {
			return b.Error.apiError(0)
		}
		for _, r := range b.Results {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("reading searchStream end: %w", err)
	}
	return nil
}

// readError decodes an error answer, which Google sends either as a
// google.rpc.Status object or wrapped in the stream's array.
func readError(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var one struct {
		Error *rpcStatus `json:"error"`
	}
	var many []struct {
		Error *rpcStatus `json:"error"`
	}
	switch {
	case json.Unmarshal(raw, &one) == nil && one.Error != nil:
		return one.Error.apiError(resp.StatusCode)
	case json.Unmarshal(raw, &many) == nil && len(many) > 0 && many[0].Error != nil:
		return many[0].Error.apiError(resp.StatusCode)
	}
	return &APIError{HTTPStatus: resp.StatusCode, Status: http.StatusText(resp.StatusCode)}
}

// redactErr keeps transport errors (which quote the URL, never headers)
// but drops anything an oauth2 transport might have wrapped.
func redactErr(err error) error {
	var te *google.TokenError
	if errors.As(google.AsTokenError(err), &te) {
		return te
	}
	return err
}
