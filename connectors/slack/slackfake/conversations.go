package slackfake

import (
	"encoding/base64"
	"math"
	"regexp"
	"slices"
	"strings"
)

func (s *Server) authTest(_ *request) (map[string]any, []outbound, *apiError) {
	bot := s.st.users[s.st.botUser]
	return map[string]any{
		"url": "https://" + s.st.team.Domain + ".slack.com/", "team": s.st.team.Name, "user": bot.Name,
		"team_id": s.st.team.ID, "user_id": bot.ID, "bot_id": s.st.botID, "is_enterprise_install": false,
	}, nil, nil
}

func (s *Server) conversationsOpen(r *request) (map[string]any, []outbound, *apiError) {
	returnIM := r.boolArg("return_im")
	if id := r.arg("channel"); id != "" {
		ch, aerr := s.channelFor(id, false)
		if aerr != nil {
			return nil, nil, aerr
		}
		if !ch.IM && !ch.MPIM {
			return nil, nil, errCode("method_not_supported_for_channel_type")
		}
		return map[string]any{"no_op": true, "already_open": true, "channel": s.openChannel(ch, returnIM)}, nil, nil
	}
	raw := r.arg("users")
	if raw == "" {
		return nil, nil, errCode("users_list_not_supplied")
	}
	ids := strings.Split(raw, ",")
	if len(ids) > 8 {
		return nil, nil, errCode("too_many_users")
	}
	for _, id := range ids {
		u := s.st.users[strings.TrimSpace(id)]
		if u == nil {
			return nil, nil, errCode("user_not_found")
		}
		if u.Deleted {
			return nil, nil, errCode("user_disabled")
		}
	}
	var ch *Channel
	var created bool
	if len(ids) == 1 {
		ch, created = s.st.imWith(strings.TrimSpace(ids[0]))
	} else {
		ch, created = s.st.mpimWith(ids)
	}
	out := map[string]any{"channel": s.openChannel(ch, returnIM || ch.MPIM)}
	if !created {
		out["no_op"] = true
		out["already_open"] = true
	}
	return out, nil, nil
}

func (s *Server) openChannel(ch *Channel, full bool) map[string]any {
	if !full {
		return map[string]any{"id": ch.ID}
	}
	return s.renderChannel(ch, false, false)
}

func (s *Server) conversationsInfo(r *request) (map[string]any, []outbound, *apiError) {
	ch, aerr := s.channelFor(r.arg("channel"), false)
	if aerr != nil {
		return nil, nil, aerr
	}
	return map[string]any{"channel": s.renderChannel(ch, r.boolArg("include_num_members"), true)}, nil, nil
}

// window is the oldest/latest/inclusive filter of history and replies.
type window struct {
	oldest, latest int64
	inclusive      bool
}

// parseWindow reads oldest/latest/inclusive. Without latest there is no
// upper bound: timestamps may run ahead of a clock that stands still.
func parseWindow(r *request) (window, *apiError) {
	w := window{latest: math.MaxInt64, inclusive: r.boolArg("inclusive")}
	if v := r.arg("oldest"); v != "" {
		n, ok := parseTS(v)
		if !ok {
			return w, errCode("invalid_ts_oldest")
		}
		w.oldest = n
	}
	if v := r.arg("latest"); v != "" {
		n, ok := parseTS(v)
		if !ok {
			return w, errCode("invalid_ts_latest")
		}
		w.latest = n
	}
	return w, nil
}

func (w window) has(ts int64) bool {
	if w.inclusive {
		return ts >= w.oldest && ts <= w.latest
	}
	return ts > w.oldest && ts < w.latest
}

func encodeCursor(kind, v string) string {
	return base64.StdEncoding.EncodeToString([]byte(kind + ":" + v))
}

func decodeCursor(c, kind string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return "", false
	}
	v, ok := strings.CutPrefix(string(b), kind+":")
	return v, ok && v != ""
}

func limitArg(r *request, def, maxN int) (int, *apiError) {
	n, aerr := r.intArg("limit", def)
	if aerr != nil {
		return 0, errCode("invalid_limit")
	}
	if n <= 0 {
		n = def
	}
	return min(n, maxN), nil
}

func (s *Server) conversationsHistory(r *request) (map[string]any, []outbound, *apiError) {
	ch, aerr := s.channelFor(r.arg("channel"), true)
	if aerr != nil {
		return nil, nil, aerr
	}
	w, aerr := parseWindow(r)
	if aerr != nil {
		return nil, nil, aerr
	}
	limit, aerr := limitArg(r, 100, 999)
	if aerr != nil {
		return nil, nil, aerr
	}
	startAt := int64(-1)
	if c := r.arg("cursor"); c != "" {
		v, ok := decodeCursor(c, "next_ts")
		n, ok2 := parseTS(v)
		if !ok || !ok2 {
			return nil, nil, errCode("invalid_cursor")
		}
		startAt = n
	}
	meta := r.boolArg("include_all_metadata")
	all := s.st.messages[ch.ID]
	var picked []*Message
	for i := len(all) - 1; i >= 0; i-- {
		m := all[i]
		if m.ThreadTS != "" && m.ThreadTS != m.TS && !m.ReplyBroadcast {
			continue
		}
		ts, _ := parseTS(m.TS)
		if !w.has(ts) || (startAt >= 0 && ts > startAt) {
			continue
		}
		picked = append(picked, m)
	}
	out := map[string]any{"has_more": false, "pin_count": 0, "channel_actions_ts": nil, "channel_actions_count": 0}
	if len(picked) > limit {
		out["has_more"] = true
		out["response_metadata"] = map[string]any{"next_cursor": encodeCursor("next_ts", picked[limit].TS)}
		picked = picked[:limit]
	}
	msgs := make([]map[string]any, 0, len(picked))
	for _, m := range picked {
		msgs = append(msgs, s.renderMessage(m, meta))
	}
	out["messages"] = msgs
	return out, nil, nil
}

func (s *Server) conversationsReplies(r *request) (map[string]any, []outbound, *apiError) {
	ch, aerr := s.channelFor(r.arg("channel"), true)
	if aerr != nil {
		return nil, nil, aerr
	}
	parent := s.st.message(ch.ID, r.arg("ts"))
	if parent == nil {
		return nil, nil, errCode("thread_not_found")
	}
	if parent.ThreadTS != "" && parent.ThreadTS != parent.TS {
		parent = s.st.message(ch.ID, parent.ThreadTS)
	}
	w, aerr := parseWindow(r)
	if aerr != nil {
		return nil, nil, aerr
	}
	// Slack always returns the parent first, whatever the window says.
	w.inclusive = true
	limit, aerr := limitArg(r, 1000, 1000)
	if aerr != nil {
		return nil, nil, aerr
	}
	thread := []*Message{parent}
	for _, ts := range parent.Replies {
		if m := s.st.message(ch.ID, ts); m != nil {
			n, _ := parseTS(ts)
			if w.has(n) {
				thread = append(thread, m)
			}
		}
	}
	start := 0
	if c := r.arg("cursor"); c != "" {
		v, ok := decodeCursor(c, "next_ts")
		if !ok {
			return nil, nil, errCode("invalid_cursor")
		}
		start = slices.IndexFunc(thread, func(m *Message) bool { return m.TS == v })
		if start < 0 {
			return nil, nil, errCode("invalid_cursor")
		}
	}
	page := thread[start:]
	out := map[string]any{"has_more": false}
	if len(page) > limit {
		out["has_more"] = true
		out["response_metadata"] = map[string]any{"next_cursor": encodeCursor("next_ts", page[limit].TS)}
		page = page[:limit]
	}
	meta := r.boolArg("include_all_metadata")
	msgs := make([]map[string]any, 0, len(page))
	for _, m := range page {
		msgs = append(msgs, s.renderMessage(m, meta))
	}
	out["messages"] = msgs
	return out, nil, nil
}

func (s *Server) conversationsMembers(r *request) (map[string]any, []outbound, *apiError) {
	ch, aerr := s.channelFor(r.arg("channel"), false)
	if aerr != nil {
		return nil, nil, aerr
	}
	limit, aerr := limitArg(r, 100, 1000)
	if aerr != nil {
		return nil, nil, aerr
	}
	members := ch.Members
	if ch.IM {
		members = []string{s.st.botUser, ch.IMUser}
	}
	page, next, aerr := pageIDs(members, r.arg("cursor"), limit, "user_id")
	if aerr != nil {
		return nil, nil, aerr
	}
	return map[string]any{"members": page, "response_metadata": map[string]any{"next_cursor": next}}, nil, nil
}

// pageIDs pages a list of ids with an opaque cursor naming the next id.
func pageIDs(ids []string, cursor string, limit int, kind string) ([]string, string, *apiError) {
	start := 0
	if cursor != "" {
		v, ok := decodeCursor(cursor, kind)
		if !ok {
			return nil, "", errCode("invalid_cursor")
		}
		start = slices.Index(ids, v)
		if start < 0 {
			return nil, "", errCode("invalid_cursor")
		}
	}
	page := slices.Clone(ids[start:])
	next := ""
	if len(page) > limit {
		next = encodeCursor(kind, page[limit])
		page = page[:limit]
	}
	return page, next, nil
}

func (s *Server) usersInfo(r *request) (map[string]any, []outbound, *apiError) {
	u := s.st.users[r.arg("user")]
	if u == nil {
		return nil, nil, errCode("user_not_found")
	}
	return map[string]any{"user": s.renderUser(u, r.boolArg("include_locale"))}, nil, nil
}

func (s *Server) usersConversations(r *request) (map[string]any, []outbound, *apiError) {
	user := r.arg("user")
	if user == "" {
		user = s.st.botUser
	}
	if s.st.users[user] == nil {
		return nil, nil, errCode("user_not_found")
	}
	types := map[string]bool{}
	rawTypes := r.arg("types")
	if rawTypes == "" {
		rawTypes = "public_channel"
	}
	for _, t := range strings.Split(rawTypes, ",") {
		switch t = strings.TrimSpace(t); t {
		case "public_channel", "private_channel", "mpim", "im":
			types[t] = true
		default:
			return nil, nil, errCode("invalid_types")
		}
	}
	limit, aerr := limitArg(r, 100, 1000)
	if aerr != nil {
		return nil, nil, aerr
	}
	var ids []string
	for _, id := range s.st.chanOrder {
		ch := s.st.channels[id]
		kind := "public_channel"
		switch {
		case ch.IM:
			kind = "im"
		case ch.MPIM:
			kind = "mpim"
		case ch.Private:
			kind = "private_channel"
		}
		if !types[kind] || (r.boolArg("exclude_archived") && ch.Archived) || !s.st.isMember(ch, user) {
			continue
		}
		if _, aerr := s.channelFor(id, false); aerr != nil {
			continue
		}
		ids = append(ids, id)
	}
	page, next, aerr := pageIDs(ids, r.arg("cursor"), limit, "id")
	if aerr != nil {
		return nil, nil, aerr
	}
	chans := make([]map[string]any, 0, len(page))
	for _, id := range page {
		chans = append(chans, s.renderChannel(s.st.channels[id], false, false))
	}
	return map[string]any{"channels": chans, "response_metadata": map[string]any{"next_cursor": next}}, nil, nil
}

var reactionName = regexp.MustCompile(`^[a-z0-9_+'-]+(::skin-tone-[2-6])?$`)

func (s *Server) reactionsAdd(r *request) (map[string]any, []outbound, *apiError) {
	if r.arg("channel") == "" || r.arg("timestamp") == "" {
		return nil, nil, errCode("no_item_specified")
	}
	name := strings.Trim(r.arg("name"), ":")
	if !reactionName.MatchString(name) {
		return nil, nil, errCode("invalid_name")
	}
	ch, aerr := s.channelFor(r.arg("channel"), false)
	if aerr != nil {
		return nil, nil, aerr
	}
	if _, ok := parseTS(r.arg("timestamp")); !ok {
		return nil, nil, errCode("bad_timestamp")
	}
	m := s.st.message(ch.ID, r.arg("timestamp"))
	if m == nil {
		return nil, nil, errCode("message_not_found")
	}
	if aerr := addReaction(m, name, s.st.botUser); aerr != nil {
		return nil, nil, aerr
	}
	var out []outbound
	if !s.opts.SuppressOwnEvents {
		out = append(out, s.reactionEvent(m, name, s.st.botUser))
	}
	return map[string]any{}, out, nil
}

func addReaction(m *Message, name, user string) *apiError {
	for i := range m.Reactions {
		if m.Reactions[i].Name != name {
			continue
		}
		if slices.Contains(m.Reactions[i].Users, user) {
			return errCode("already_reacted")
		}
		m.Reactions[i].Users = append(m.Reactions[i].Users, user)
		return nil
	}
	if len(m.Reactions) >= 50 {
		return errCode("too_many_emoji")
	}
	m.Reactions = append(m.Reactions, Reaction{Name: name, Users: []string{user}})
	return nil
}
