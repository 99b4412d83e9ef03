package httpx

import (
	"net/url"
	"strings"
)

// RedactURL returns u as text with user info and credential-bearing query
// values replaced, safe for logs and error messages.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User("redacted")
	}
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			if isSensitive(k) {
				q.Set(k, "redacted")
				changed = true
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

// isSensitive names query parameters that carry credentials in the APIs we
// call (Slack accepts token= in the query, Google key= and access_token=).
func isSensitive(param string) bool {
	switch strings.ToLower(param) {
	case "token", "access_token", "key", "api_key", "apikey", "signature", "sig",
		"password", "secret", "client_secret", "refresh_token", "code", "ticket":
		return true
	}
	return false
}

// Redact replaces every occurrence of each non-empty secret in s. Use it on
// error text that may echo a request (a body, a header) back at us.
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "<redacted>")
		}
	}
	return s
}
