package field

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"regexp"
	"text/template"
	"time"
)

// The checks below are shared by config blocks in several packages. Their
// errors describe what is wrong without quoting the value, so that they are
// safe even for keys that hold credentials.

var (
	slackUserRE    = regexp.MustCompile(`^[UW][A-Z0-9]{6,}$`)
	slackChannelRE = regexp.MustCompile(`^[CG][A-Z0-9]{6,}$`)
	slackTeamRE    = regexp.MustCompile(`^[TE][A-Z0-9]{6,}$`)
	clockRE        = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// CheckEmail accepts a bare address such as "anna@example.com"; a display
// name ("Anna <anna@example.com>") is refused because sharing APIs take
// addresses only.
func CheckEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return fmt.Errorf("%q is not a valid email address", s)
	}
	if a.Name != "" || a.Address != s {
		return fmt.Errorf("%q must be a bare address without a display name", s)
	}
	return nil
}

// CheckBaseURL accepts an absolute http or https URL with a host.
func CheckBaseURL(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("must be an absolute http(s) URL")
	}
	if u.User != nil {
		return errors.New("must not carry credentials; use the token keys")
	}
	return nil
}

// CheckSlackUserID accepts a Slack member id (U... or W...).
func CheckSlackUserID(s string) error {
	if !slackUserRE.MatchString(s) {
		return fmt.Errorf("%q is not a Slack user id (U or W followed by uppercase letters and digits)", s)
	}
	return nil
}

// CheckSlackChannelID accepts a Slack channel id (C... or G...).
func CheckSlackChannelID(s string) error {
	if !slackChannelRE.MatchString(s) {
		return fmt.Errorf("%q is not a Slack channel id (C or G followed by uppercase letters and digits)", s)
	}
	return nil
}

// CheckSlackTeamID accepts a Slack workspace id (T...) or enterprise id (E...).
func CheckSlackTeamID(s string) error {
	if !slackTeamRE.MatchString(s) {
		return fmt.Errorf("%q is not a Slack team id (T followed by uppercase letters and digits)", s)
	}
	return nil
}

// CheckClock accepts a wall-clock time "HH:MM".
func CheckClock(s string) error {
	if !clockRE.MatchString(s) {
		return fmt.Errorf("%q is not a time of day (HH:MM)", s)
	}
	return nil
}

// CheckPositive accepts a duration greater than zero.
func CheckPositive(d time.Duration) error {
	if d <= 0 {
		return errors.New("must be a positive duration such as 30s, 5m or 2h")
	}
	return nil
}

// CheckTemplate parses text as a text/template and runs it against sample,
// so that a misspelt field ({{.AMNmae}}) fails at load rather than when the
// first message is sent.
func CheckTemplate(text string, sample any) error {
	if text == "" {
		return errors.New("must not be empty")
	}
	t, err := template.New("t").Option("missingkey=error").Parse(text)
	if err != nil {
		return fmt.Errorf("is not a valid template: %w", err)
	}
	if err := t.Execute(io.Discard, sample); err != nil {
		return fmt.Errorf("template fails on sample data: %w", err)
	}
	return nil
}
