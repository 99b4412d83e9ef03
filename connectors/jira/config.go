// Package jira connects Liaison to Jira Cloud: it pulls the clients' issues
// and worklogs incrementally through /rest/api/3/search/jql, receives
// webhooks, and creates the question and checklist tasks rules ask for.
package jira

import (
	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/configs/secret"
)

// Config is the connections.jira block. An absent or empty block means Jira
// is not configured, which is not an error: Liaison runs without it.
type Config struct {
	// BaseURL is the site, e.g. "https://northwind.atlassian.net" (or a fake's address in tests).
	BaseURL string `yaml:"base_url,omitempty" jsonschema:"format=uri"`
	// Email is the Atlassian account the API token belongs to.
	Email string `yaml:"email,omitempty"`
	// APIToken is the Atlassian API token (use ${ENV} or api_token_file).
	APIToken secret.Secret `yaml:"api_token,omitempty"`
	// APITokenFile is a file holding the API token, relative to the config file's directory.
	APITokenFile string `yaml:"api_token_file,omitempty"`
	// WebhookSecret verifies the signature of Jira webhooks; without it webhooks are refused and Liaison only polls.
	WebhookSecret secret.Secret `yaml:"webhook_secret,omitempty"`
	// WebhookSecretFile is a file holding the webhook secret.
	WebhookSecretFile string `yaml:"webhook_secret_file,omitempty"`
	// RequestsPerSecond is the rate Liaison paces its GET and POST requests to, per endpoint, with a bucket of one second's worth; PUT and DELETE get half. Default 100, Jira Cloud's documented burst limit for API-token traffic.
	RequestsPerSecond float64 `yaml:"requests_per_second,omitempty" jsonschema:"minimum=0"`
}

// DefaultRequestsPerSecond is Jira Cloud's documented burst limit for GET
// and POST requests per endpoint (50 for PUT and DELETE).
const DefaultRequestsPerSecond = 100

// DefaultConfig returns an unconfigured Jira connection.
func DefaultConfig() Config { return Config{} }

// Configured reports whether the block says anything at all; a configured
// block must then be complete (see Validate).
func (c Config) Configured() bool {
	return c.BaseURL != "" || c.Email != "" || c.APIToken.IsSet() || c.APITokenFile != "" ||
		c.WebhookSecret.IsSet() || c.WebhookSecretFile != ""
}

// Validate checks a configured block; an unconfigured one is always valid.
// It never contacts Jira. The loader has already replaced *_file keys by the
// files' contents.
func (c Config) Validate() error {
	if !c.Configured() {
		return nil
	}
	var l field.List
	if err := field.CheckBaseURL(c.BaseURL); err != nil {
		l.Add("base_url", "%v", err)
	}
	if c.Email == "" {
		l.Add("email", "is required: the account the API token belongs to")
	} else if err := field.CheckEmail(c.Email); err != nil {
		l.Add("email", "%v", err)
	}
	if !c.APIToken.IsSet() {
		l.Add("api_token", "is required (or api_token_file)")
	}
	if c.RequestsPerSecond < 0 {
		l.Add("requests_per_second", "must not be negative (0 takes the default, %d)", DefaultRequestsPerSecond)
	}
	return l.Err()
}
