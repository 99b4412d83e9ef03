package deliver

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// MetadataEventType marks Liaison's own messages in Slack. Every post carries
// it with the delivery key in the payload, so that after a crash between
// posting and recording, recovery can find the message instead of posting it
// twice.
const MetadataEventType = "liaison_delivery"

// Message is what delivery asks Slack to show. It is vendor-neutral so that
// this package does not depend on a Slack client library.
type Message struct {
	// Channel is a channel, group or IM id.
	Channel string
	// Text is the notification and plain-text fallback; required.
	Text string
	// Blocks is a Block Kit array (JSON); empty for text-only messages.
	Blocks json.RawMessage
	// ThreadTS posts the message as a reply in that thread.
	ThreadTS string
	// Metadata is attached to posts (chat.postMessage metadata).
	Metadata *Metadata
}

// Metadata is Slack message metadata.
type Metadata struct {
	EventType string
	Payload   map[string]any
}

// Slack is what delivery needs from Slack; connectors/slack implements it
// over slack-go, and tests run it against connectors/slack/slackfake.
//
// Errors: an implementation returns errors that satisfy
// interface{ Permanent() bool } when retrying cannot help (channel_not_found,
// not_in_channel, invalid_auth, account_inactive, ...) and
// interface{ RetryAfter() time.Duration } when Slack rate-limited the call.
// Anything else is treated as transient. Use IsPermanent and RetryAfterOf.
type Slack interface {
	// PostMessage posts m (chat.postMessage) and returns the message's ts.
	PostMessage(ctx context.Context, m Message) (ts string, err error)
	// UpdateMessage replaces the text and blocks of the message at ts in
	// m.Channel (chat.update).
	UpdateMessage(ctx context.Context, ts string, m Message) error
	// PostEphemeral shows m to user only, in m.Channel (chat.postEphemeral).
	PostEphemeral(ctx context.Context, user string, m Message) error
	// OpenDM returns the id of the IM channel between the bot and user
	// (conversations.open); implementations cache it.
	OpenDM(ctx context.Context, user string) (channel string, err error)
	// FindByMetadata looks through at most limit of the channel's most recent
	// messages, no older than oldest, for one posted by us with metadata of
	// eventType whose payload "key" equals key (conversations.history with
	// include_all_metadata). With threadTS set, it searches that thread's
	// replies (conversations.replies) instead, since history has none of
	// them. It reports the message's ts when found.
	FindByMetadata(ctx context.Context, channel, threadTS, eventType, key string, oldest time.Time, limit int) (ts string, found bool, err error)
}

// IsPermanent reports whether err says retrying the same call cannot succeed.
func IsPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// RetryAfterOf returns how long Slack asked us to wait, if err is a rate limit.
func RetryAfterOf(err error) (time.Duration, bool) {
	var r interface{ RetryAfter() time.Duration }
	if errors.As(err, &r) {
		return r.RetryAfter(), true
	}
	return 0, false
}
