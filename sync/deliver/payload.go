package deliver

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Reasons a notification is pending; the message says "reminder" or
// "escalation" for the last two.
const (
	reasonNew        = "new"
	reasonChanged    = "changed"
	reasonReopened   = "reopened"
	reasonRepeat     = "repeat"
	reasonEscalation = "escalation"
)

// Thread notes.
const (
	noteResolved = "resolved"
	noteChanged  = "changed" // the finding changed kind: "Now: … was due yesterday"
)

// fieldKind is the finding field in which rules that report several kinds
// of situation about one subject name the current one; a change of it is
// news to whoever was told of the finding.
const fieldKind = "kind"

// payload is what an outbox delivery carries. Messages are rendered when
// sent, from the findings' current state, so that a post that waited in the
// outbox already shows an acknowledgement or resolution made meanwhile.
type payload struct {
	Recipient string        `json:"recipient"`
	Digest    bool          `json:"digest,omitempty"`
	Items     []payloadItem `json:"items,omitempty"`   // post: the findings it lists, in order
	Post      string        `json:"post,omitempty"`    // update, thread: the post concerned
	Finding   string        `json:"finding,omitempty"` // thread: the finding the note is about
	Note      string        `json:"note,omitempty"`    // thread: which note
	Reply     *Reply        `json:"reply,omitempty"`   // reply, ephemeral: the message itself
}

type payloadItem struct {
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

func encodePayload(p payload) (json.RawMessage, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encoding delivery payload: %w", err)
	}
	return b, nil
}

func decodePayload(raw json.RawMessage) (payload, error) {
	var p payload
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, fmt.Errorf("decoding delivery payload: %w", err)
	}
	return p, nil
}

// Delivery keys are readable and unique per purpose and instant.
func postKey(recipient string, digest bool, now time.Time) string {
	kind := "alert"
	if digest {
		kind = "digest"
	}
	return "post/" + recipient + "/" + kind + "/" + ms(now)
}

func updateKey(post string, now time.Time) string { return "update/" + post + "/" + ms(now) }

func threadKey(post, finding, note string, now time.Time) string {
	return "thread/" + post + "/" + finding + "/" + note + "/" + ms(now)
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
