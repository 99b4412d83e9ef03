package slack_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake/spectest"
)

// webAPIMethods are the Web API methods the connector calls (slack.go,
// history.go, users.go, socketmode.go).
var webAPIMethods = []string{
	"auth.test", "chat.postMessage", "chat.update", "chat.postEphemeral", "chat.getPermalink",
	"conversations.open", "conversations.history", "conversations.replies", "users.info", "reactions.add",
}

// TestAppManifestGrantsWhatTheConnectorCalls: configs/slack-app-manifest.yaml
// gives the bot a scope the Web API spec accepts for every method the
// connector calls, subscribes to the events it handles, and turns on
// interactivity and Socket Mode (the default mode).
func TestAppManifestGrantsWhatTheConnectorCalls(t *testing.T) {
	data, err := os.ReadFile("../../configs/slack-app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				Bot []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled bool `yaml:"is_enabled"`
			} `yaml:"interactivity"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{"message.channels", "message.groups", "reaction_added"} {
		if !slices.Contains(m.Settings.Events.Bot, ev) {
			t.Errorf("manifest does not subscribe to %s", ev)
		}
	}
	if !m.Settings.Interactivity.Enabled || !m.Settings.SocketMode {
		t.Error("manifest must enable interactivity (alert buttons) and Socket Mode")
	}

	spec, err := spectest.Load()
	if errors.Is(err, spectest.ErrNoSpec) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	// The spec names some scopes the legacy way (chat:write:bot); bot
	// tokens get the plain one (chat:write).
	granted := func(scope string) bool {
		return scope == "none" || slices.Contains(m.OAuth.Scopes.Bot, strings.TrimSuffix(strings.TrimSuffix(scope, ":bot"), ":user"))
	}
	for _, method := range webAPIMethods {
		scopes := spec.Scopes(method)
		if len(scopes) == 0 {
			t.Errorf("%s: the spec lists no scopes", method)
			continue
		}
		if !slices.ContainsFunc(scopes, granted) {
			t.Errorf("%s needs one of %v; the manifest grants %v", method, scopes, m.OAuth.Scopes.Bot)
		}
	}
}
