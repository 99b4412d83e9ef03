package googleads

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the two decoders of Google Ads
// answers: the searchStream array of batches and an error body. Neither may
// panic; an error answer must come out as an APIError that names its HTTP
// status and never asks to wait a negative time.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`[{"results":[{"customer":{"currencyCode":"EUR"},"campaign":{"id":"123"},"segments":{"date":"2026-01-02"},` +
		`"metrics":{"impressions":"100","clicks":"7","costMicros":"1234567","conversions":1.5,"conversionsValue":30,"ctr":0.07,"averageCpc":176366}}],` +
		`"fieldMask":"customer.currencyCode,campaign.id","requestId":"r1"}]`))
	f.Add([]byte(`[{"results":[]},{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED",` +
		`"details":[{"@type":"type.googleapis.com/google.ads.googleads.v22.errors.GoogleAdsFailure","errors":[{"errorCode":` +
		`{"quotaError":"RESOURCE_EXHAUSTED"},"message":"Too many requests","details":{"quotaErrorDetails":{"retryDelay":"30s"}}}],"requestId":"r2"}]}}]`))
	f.Add([]byte(`{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT"}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"results":[{"campaign":{"id":12}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows := 0
		_ = decodeStream(bytes.NewReader(data), func(adsRow) error { rows++; return nil })

		resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{},
			Body: io.NopCloser(bytes.NewReader(data))}
		err := readError(resp)
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatalf("readError gave %T, want *APIError", err)
		}
		if ae.HTTPStatus != http.StatusTooManyRequests {
			t.Fatalf("HTTPStatus = %d, want 429", ae.HTTPStatus)
		}
		if ae.RetryDelay < 0 {
			t.Fatalf("RetryDelay %v < 0 from %q", ae.RetryDelay, data)
		}
		if strings.TrimSpace(ae.Error()) == "" {
			t.Fatal("an APIError with no text")
		}
	})
}
