// Package slack connects Liaison to Slack: it receives message and reaction
// events (Socket Mode or the HTTP Events API), reads history only to catch
// up after downtime, and posts alerts, redirects and digests.
package slack

import (
	"strings"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/configs/secret"
)

// Event delivery modes.
const (
	// ModeSocket receives events over a Socket Mode websocket; it needs an app token and no public endpoint.
	ModeSocket = "socket"
	// ModeEvents receives events as signed HTTP requests; it needs the signing secret.
	ModeEvents = "events"
)

// DefaultAPIURL is Slack's Web API root.
const DefaultAPIURL = "https://slack.com/api/"

// Config is the connections.slack block. An absent or empty block means Slack
// is not configured, which is not an error.
type Config struct {
	// BotToken is the bot user OAuth token (xoxb-...).
	BotToken secret.Secret `yaml:"bot_token,omitempty"`
	// BotTokenFile is a file holding the bot token, relative to the config file's directory.
	BotTokenFile string `yaml:"bot_token_file,omitempty"`
	// AppToken is the app-level token (xapp-...) that opens Socket Mode connections.
	AppToken secret.Secret `yaml:"app_token,omitempty"`
	// AppTokenFile is a file holding the app token.
	AppTokenFile string `yaml:"app_token_file,omitempty"`
	// SigningSecret verifies X-Slack-Signature on HTTP events and interactions.
	SigningSecret secret.Secret `yaml:"signing_secret,omitempty"`
	// SigningSecretFile is a file holding the signing secret.
	SigningSecretFile string `yaml:"signing_secret_file,omitempty"`
	// APIURL is the Web API root; default "https://slack.com/api/".
	APIURL string `yaml:"api_url,omitempty" jsonschema:"format=uri"`
	// Mode is how events arrive: socket (default) or events.
	Mode string `yaml:"mode,omitempty" jsonschema:"enum=socket,enum=events"`
}

// DefaultConfig returns the defaults a slack block is decoded over.
func DefaultConfig() Config {
	return Config{APIURL: DefaultAPIURL, Mode: ModeSocket}
}

// Configured reports whether any credential is given; URLs and mode alone
// have defaults and say nothing.
func (c Config) Configured() bool {
	return c.BotToken.IsSet() || c.BotTokenFile != "" || c.AppToken.IsSet() || c.AppTokenFile != "" ||
		c.SigningSecret.IsSet() || c.SigningSecretFile != ""
}

// Validate checks a configured block without contacting Slack. Token errors
// name the expected prefix, never the value.
func (c Config) Validate() error {
	var l field.List
	if err := field.CheckBaseURL(c.APIURL); err != nil {
		l.Add("api_url", "%v", err)
	} else if !strings.HasSuffix(c.APIURL, "/") {
		l.Add("api_url", "must end with a slash")
	}
	if c.Mode != ModeSocket && c.Mode != ModeEvents {
		l.Add("mode", "must be socket or events, not %q", c.Mode)
	}
	if !c.Configured() {
		return l.Err()
	}
	switch {
	case !c.BotToken.IsSet():
		l.Add("bot_token", "is required (or bot_token_file)")
	case !strings.HasPrefix(c.BotToken.Reveal(), "xoxb-"):
		l.Add("bot_token", "must be a bot token starting with xoxb-")
	}
	if c.Mode == ModeSocket {
		switch {
		case !c.AppToken.IsSet():
			l.Add("app_token", "is required in socket mode (or app_token_file)")
		case !strings.HasPrefix(c.AppToken.Reveal(), "xapp-"):
			l.Add("app_token", "must be an app-level token starting with xapp-")
		}
	}
	if c.Mode == ModeEvents && !c.SigningSecret.IsSet() {
		l.Add("signing_secret", "is required in events mode (or signing_secret_file)")
	}
	return l.Err()
}
