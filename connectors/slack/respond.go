package slack

import (
	"context"
	"encoding/json"

	"github.com/slack-go/slack"

	"github.com/liaisonhq/liaison/sync/deliver"
)

// Respond replaces the message that carried an interactive element with
// m, through the action's response_url: the only way to change an
// ephemeral message, which chat.update cannot reach. m.Channel and
// m.ThreadTS are ignored. The URL is a bearer capability, so errors leave
// it out.
func (c *Client) Respond(ctx context.Context, responseURL string, m deliver.Message) error {
	msg := &slack.WebhookMessage{Text: m.Text, ReplaceOriginal: true}
	if len(m.Blocks) > 0 {
		var blocks slack.Blocks
		if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
			return c.wrap("response_url", &localError{code: "invalid_blocks"})
		}
		msg.Blocks = &blocks
	}
	if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, c.opts.HTTPClient, msg); err != nil {
		return wrapErr("response_url", err, append(c.secrets, responseURL)...)
	}
	return nil
}
