package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/sync/deliver"
)

var _ deliver.Slack = (*Client)(nil)

// Defaults of Options.
const (
	DefaultUserTTL          = time.Hour
	DefaultPageInterval     = 1200 * time.Millisecond // Tier 3: 50 calls a minute
	DefaultRateLimitRetries = 5
	// DefaultMaxInlineRetryAfter is the longest Retry-After the default HTTP
	// client sleeps through by itself; longer pauses come back as
	// *RateLimitError so that the outbox reschedules and catch-up waits on
	// the injected clock.
	DefaultMaxInlineRetryAfter = 5 * time.Second
)

// Options are the Client's collaborators and tunables. Zero values take the
// defaults.
type Options struct {
	// HTTPClient carries every Web API call; default httpx.NewClient, which
	// retries 5xx and short 429s.
	HTTPClient *http.Client
	// Logger gets debug lines about caches and pacing; default slog.Default().
	Logger *slog.Logger
	// Clock drives caches, pacing and rate-limit waits; default clock.Real.
	Clock clock.Clock
	// UserTTL is how long UserInfo answers are reused; default 1 h.
	UserTTL time.Duration
	// PageInterval is the pause between pages of conversations.history and
	// conversations.replies (Tier 3); default 1.2 s. Negative disables pacing.
	PageInterval time.Duration
	// RateLimitRetries bounds how many consecutive rate limits History,
	// Replies and FindByMetadata wait out before giving up; default 5.
	RateLimitRetries int
}

// Client talks to the Slack Web API as Liaison's bot. It implements
// deliver.Slack and the reads the connector needs. It is safe for
// concurrent use.
type Client struct {
	api     *slack.Client
	cfg     Config
	log     *slog.Logger
	clk     clock.Clock
	opts    Options
	secrets []string

	mu    sync.Mutex
	self  *Identity
	dms   map[string]string
	users map[string]cachedUser

	pace pacer
}

// Identity is who our token belongs to, from auth.test.
type Identity struct {
	// UserID is the bot user ("U..."): it authors our messages.
	UserID string
	// BotID is the bot ("B..."): bot_id on our messages.
	BotID string
	// TeamID is our workspace; users of other teams are external.
	TeamID string
	// Team is the workspace name and URL its address.
	Team, URL string
}

// New builds a Client for cfg. It checks the token's shape but does not call
// Slack; use AuthTest for that.
func New(cfg Config, opts Options) (*Client, error) {
	if !cfg.BotToken.IsSet() {
		return nil, errors.New("slack: bot_token is required (bot_token_file must be resolved by the config loader)")
	}
	if !strings.HasPrefix(cfg.BotToken.Reveal(), "xoxb-") {
		return nil, errors.New("slack: bot_token must be a bot token starting with xoxb-")
	}
	if cfg.AppToken.IsSet() && !strings.HasPrefix(cfg.AppToken.Reveal(), "xapp-") {
		return nil, errors.New("slack: app_token must be an app-level token starting with xapp-")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.UserTTL <= 0 {
		opts.UserTTL = DefaultUserTTL
	}
	if opts.PageInterval == 0 {
		opts.PageInterval = DefaultPageInterval
	}
	if opts.RateLimitRetries <= 0 {
		opts.RateLimitRetries = DefaultRateLimitRetries
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = httpx.NewClient(httpx.Options{Name: "slack", Logger: opts.Logger, Now: opts.Clock.Now,
			MaxRetryAfter: DefaultMaxInlineRetryAfter})
	}
	slackOpts := []slack.Option{
		slack.OptionHTTPClient(opts.HTTPClient),
		slack.OptionAPIURL(cfg.APIURL),
		// slack-go logs only in debug mode, which stays off: its dumps
		// would carry message text. The logger catches anything else.
		slack.OptionLog(log.New(slogWriter{l: opts.Logger, secrets: secretsOf(cfg)}, "", 0)),
	}
	if cfg.AppToken.IsSet() {
		slackOpts = append(slackOpts, slack.OptionAppLevelToken(cfg.AppToken.Reveal()))
	}
	c := &Client{
		api:     slack.New(cfg.BotToken.Reveal(), slackOpts...),
		cfg:     cfg,
		log:     opts.Logger,
		clk:     opts.Clock,
		opts:    opts,
		secrets: secretsOf(cfg),
		dms:     map[string]string{},
		users:   map[string]cachedUser{},
	}
	c.pace.clk, c.pace.interval = opts.Clock, opts.PageInterval
	return c, nil
}

func (c *Client) wrap(method string, err error) error { return wrapErr(method, err, c.secrets...) }

// AuthTest calls auth.test once and remembers who we are; later calls
// answer from memory. A failed call is not remembered.
func (c *Client) AuthTest(ctx context.Context) (Identity, error) {
	c.mu.Lock()
	if c.self != nil {
		id := *c.self
		c.mu.Unlock()
		return id, nil
	}
	c.mu.Unlock()
	r, err := c.api.AuthTestContext(ctx)
	if err != nil {
		return Identity{}, c.wrap("auth.test", err)
	}
	id := Identity{UserID: r.UserID, BotID: r.BotID, TeamID: r.TeamID, Team: r.Team, URL: r.URL}
	c.mu.Lock()
	c.self = &id
	c.mu.Unlock()
	return id, nil
}

// msgOptions turns a deliver.Message into slack-go options. clearBlocks
// sends "blocks=[]" when m has none, which chat.update needs to drop the
// blocks of the previous version.
func msgOptions(m deliver.Message, clearBlocks bool) ([]slack.MsgOption, error) {
	if m.Text == "" {
		// Text is the notification and screen-reader fallback even with
		// blocks; deliver requires it.
		return nil, &localError{code: "no_text"}
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false)}
	if len(m.Blocks) > 0 {
		var blocks slack.Blocks
		if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
			return nil, &localError{code: "invalid_blocks"}
		}
		opts = append(opts, slack.MsgOptionBlocks(blocks.BlockSet...))
	} else if clearBlocks {
		opts = append(opts, slack.MsgOptionBlocks())
	}
	if m.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(m.ThreadTS))
	}
	if m.Metadata != nil {
		if m.Metadata.EventType == "" {
			return nil, &localError{code: "invalid_metadata_schema"}
		}
		payload := m.Metadata.Payload
		if payload == nil {
			payload = map[string]any{}
		}
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: m.Metadata.EventType, EventPayload: payload}))
	}
	return opts, nil
}

// PostMessage posts m with chat.postMessage and returns its ts. Like the
// other writes, it does not wait out a rate limit in-line: the caller's
// outbox reschedules it and paces the channel (see RetryAfterOf).
func (c *Client) PostMessage(ctx context.Context, m deliver.Message) (string, error) {
	opts, err := msgOptions(m, false)
	if err != nil {
		return "", c.wrap("chat.postMessage", err)
	}
	_, ts, err := c.api.PostMessageContext(httpx.WithQueuedRetries(ctx), m.Channel, opts...)
	if err != nil {
		return "", c.wrap("chat.postMessage", err)
	}
	return ts, nil
}

// UpdateMessage replaces the text and blocks of our message at ts
// (chat.update). Empty m.Blocks removes the old blocks; ThreadTS is ignored
// because a message cannot move.
func (c *Client) UpdateMessage(ctx context.Context, ts string, m deliver.Message) error {
	m.ThreadTS = ""
	opts, err := msgOptions(m, true)
	if err != nil {
		return c.wrap("chat.update", err)
	}
	if _, _, _, err := c.api.UpdateMessageContext(httpx.WithQueuedRetries(ctx), m.Channel, ts, opts...); err != nil {
		return c.wrap("chat.update", err)
	}
	return nil
}

// PostEphemeral shows m to user only (chat.postEphemeral). Slack drops
// metadata on ephemeral messages, so m.Metadata is not sent.
func (c *Client) PostEphemeral(ctx context.Context, user string, m deliver.Message) error {
	m.Metadata = nil
	opts, err := msgOptions(m, false)
	if err != nil {
		return c.wrap("chat.postEphemeral", err)
	}
	if _, err := c.api.PostEphemeralContext(httpx.WithQueuedRetries(ctx), m.Channel, user, opts...); err != nil {
		return c.wrap("chat.postEphemeral", err)
	}
	return nil
}

// OpenDM returns the IM channel with user (conversations.open). IM ids never
// change, so answers are kept for the Client's lifetime.
func (c *Client) OpenDM(ctx context.Context, user string) (string, error) {
	c.mu.Lock()
	id, ok := c.dms[user]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	ch, _, _, err := c.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return "", c.wrap("conversations.open", err)
	}
	if ch == nil || ch.ID == "" {
		return "", &APIError{Method: "conversations.open", Code: "channel_not_found", Status: http.StatusOK}
	}
	c.mu.Lock()
	c.dms[user] = ch.ID
	c.mu.Unlock()
	return ch.ID, nil
}

// Permalink returns the web link of the message at ts; threadTS is its
// thread's parent when the message is a reply ("" or ts otherwise). The link
// is built from the workspace URL that auth.test gave once, as Slack builds
// its own, so storing thousands of messages costs no call per message. Only
// when auth.test names no workspace URL does it ask chat.getPermalink.
func (c *Client) Permalink(ctx context.Context, channel, ts, threadTS string) (string, error) {
	id, err := c.AuthTest(ctx)
	if err != nil {
		return "", err
	}
	if link, ok := BuildPermalink(id.URL, channel, ts, threadTS); ok {
		return link, nil
	}
	link, err := c.api.GetPermalinkContext(httpx.WithQueuedRetries(ctx), &slack.PermalinkParameters{Channel: channel, Ts: ts})
	if err != nil {
		return "", c.wrap("chat.getPermalink", err)
	}
	return link, nil
}

// BuildPermalink is Slack's message link: the workspace URL (from
// auth.test, "https://northwind.slack.com/"), then archives/<channel>/p<ts
// without its dot>, and for a reply ?thread_ts=<parent>&cid=<channel>. It
// reports false when workspaceURL is not an https URL or ts is malformed.
func BuildPermalink(workspaceURL, channel, ts, threadTS string) (string, bool) {
	u, err := url.Parse(workspaceURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || channel == "" {
		return "", false
	}
	secs, frac, ok := strings.Cut(ts, ".")
	if !ok || secs == "" || frac == "" || strings.Trim(secs+frac, "0123456789") != "" {
		return "", false
	}
	link := "https://" + u.Host + "/archives/" + url.PathEscape(channel) + "/p" + secs + frac
	if threadTS != "" && threadTS != ts {
		link += "?thread_ts=" + url.QueryEscape(threadTS) + "&cid=" + url.QueryEscape(channel)
	}
	return link, true
}

// AddReaction adds our bot's reaction name (without colons) to the message
// at ts (reactions.add). Reacting twice is not an error.
func (c *Client) AddReaction(ctx context.Context, channel, ts, name string) error {
	err := c.api.AddReactionContext(ctx, strings.Trim(name, ":"), slack.NewRefToMessage(channel, ts))
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "already_reacted" {
		return nil
	}
	if err != nil {
		return c.wrap("reactions.add", err)
	}
	return nil
}

func secretsOf(cfg Config) []string {
	return []string{cfg.BotToken.Reveal(), cfg.AppToken.Reveal(), cfg.SigningSecret.Reveal()}
}

// slogWriter feeds slack-go's standard logger into slog at debug level,
// with our secrets redacted in case a library line echoes a request.
type slogWriter struct {
	l       *slog.Logger
	secrets []string
}

func (w slogWriter) Write(p []byte) (int, error) {
	w.l.Debug("slack-go", "msg", httpx.Redact(strings.TrimSpace(string(p)), w.secrets...))
	return len(p), nil
}

// String describes the client without its tokens.
func (c *Client) String() string { return fmt.Sprintf("slack.Client(%s)", c.cfg.APIURL) }
