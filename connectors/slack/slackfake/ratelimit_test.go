package slackfake

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestScriptedFaults(t *testing.T) {
	f := newFake(t, nil)
	f.srv.Script(
		Fault{Method: "conversations.history", Times: 2, Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second},
		Fault{Method: "users.info", Status: http.StatusInternalServerError},
		Fault{Method: "*", Error: "invalid_auth"},
	)
	params := &slack.GetConversationHistoryParameters{ChannelID: GeneralChanID}
	for i := range 2 {
		_, err := f.api.GetConversationHistory(params)
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 30*time.Second {
			t.Fatalf("call %d: want RateLimitedError(30s), got %T %v", i, err, err)
		}
	}
	_, err := f.api.GetUserInfo(AMUserID)
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusInternalServerError {
		t.Errorf("scripted 500: %T %v", err, err)
	}
	// The "*" fault answers the next call of any method, then the script is spent.
	if _, err := f.api.AuthTest(); slackErr(t, err) != "invalid_auth" {
		t.Errorf("scripted invalid_auth: %v", err)
	}
	if _, err := f.api.GetConversationHistory(params); err != nil {
		t.Errorf("after the script: %v", err)
	}
	if got := f.srv.CallCount("conversations.history"); got != 3 {
		t.Errorf("history calls counted %d, want 3 (429s included)", got)
	}
}

func TestRealLimitsOnTheClock(t *testing.T) {
	f := newFake(t, func(o *Options) { o.RateLimits = RateLimitsReal })
	post := func(ch string) error {
		_, _, err := f.api.PostMessage(ch, slack.MsgOptionText("x", false))
		return err
	}
	for i := range 5 {
		if err := post(GeneralChanID); err != nil {
			t.Fatalf("burst post %d: %v", i, err)
		}
	}
	err := post(GeneralChanID)
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("6th post in a second: %T %v", err, err)
	}
	if err := post(SharedChanID); err != nil {
		t.Errorf("another channel has its own bucket: %v", err)
	}
	f.clk.Advance(time.Second)
	if err := post(GeneralChanID); err != nil {
		t.Errorf("after a second: %v", err)
	}

	// Tier 3: 50 per minute, then Retry-After until the next token.
	params := &slack.GetConversationHistoryParameters{ChannelID: GeneralChanID, Limit: 1}
	for i := range 50 {
		if _, err := f.api.GetConversationHistory(params); err != nil {
			t.Fatalf("history %d: %v", i, err)
		}
	}
	_, err = f.api.GetConversationHistory(params)
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Fatalf("51st history: %T %v", err, err)
	}
	f.clk.Advance(2 * time.Second)
	if _, err := f.api.GetConversationHistory(params); err != nil {
		t.Errorf("after Retry-After: %v", err)
	}
	f.srv.SetRateLimits(RateLimitsOff)
	for range 10 {
		if err := post(GeneralChanID); err != nil {
			t.Fatalf("limits off: %v", err)
		}
	}
}

func TestRateLimitStorm(t *testing.T) {
	f := newFake(t, nil)
	f.srv.Script(Fault{Method: "*", Times: 20, Status: http.StatusTooManyRequests, RetryAfter: 5 * time.Second})
	limited := 0
	for range 25 {
		_, err := f.api.AuthTest()
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			limited++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if limited != 20 {
		t.Errorf("%d calls limited, want 20", limited)
	}
}
