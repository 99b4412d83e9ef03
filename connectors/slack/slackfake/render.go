package slackfake

import (
	"fmt"
	"strings"
)

// Rendering turns the model into the JSON objects Slack returns. Callers
// hold s.mu.

const avatarBase = "https://avatars.slack-edge.example/"

func (s *Server) botProfile() map[string]any {
	return map[string]any{
		"id": s.st.botID, "deleted": false, "name": s.st.users[s.st.botUser].RealName, "updated": 1700000000,
		"app_id": s.st.appID, "team_id": s.st.team.ID,
		"icons": map[string]any{"image_36": avatarBase + "bot_36.png", "image_48": avatarBase + "bot_48.png", "image_72": avatarBase + "bot_72.png"},
	}
}

// renderMessage builds a message object; withMeta adds metadata, which
// Slack returns from history only when include_all_metadata is set.
func (s *Server) renderMessage(m *Message, withMeta bool) map[string]any {
	out := map[string]any{"type": "message", "ts": m.TS, "text": m.Text}
	if m.User != "" {
		out["user"] = m.User
	}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
		out["app_id"] = m.AppID
		if m.BotID == s.st.botID {
			out["bot_profile"] = s.botProfile()
		}
	}
	if m.Team != "" {
		out["team"] = m.Team
		if m.Team != s.st.team.ID {
			out["user_team"] = m.Team
			out["source_team"] = m.Team
		}
	}
	if m.Subtype != "" {
		out["subtype"] = m.Subtype
	}
	if m.ClientMsgID != "" {
		out["client_msg_id"] = m.ClientMsgID
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	if m.Edited != nil {
		out["edited"] = map[string]any{"user": m.Edited.User, "ts": m.Edited.TS}
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
		if m.ThreadTS != m.TS {
			if p := s.st.message(m.Channel, m.ThreadTS); p != nil {
				out["parent_user_id"] = p.User
			}
		}
	}
	if len(m.Replies) > 0 {
		out["thread_ts"] = m.TS
		out["reply_count"] = len(m.Replies)
		users := []string{}
		seen := map[string]bool{}
		for _, ts := range m.Replies {
			if r := s.st.message(m.Channel, ts); r != nil && !seen[r.User] {
				seen[r.User] = true
				users = append(users, r.User)
			}
		}
		out["reply_users"] = users
		out["reply_users_count"] = len(users)
		out["latest_reply"] = m.Replies[len(m.Replies)-1]
		out["subscribed"] = false
	}
	if len(m.Reactions) > 0 {
		rs := make([]map[string]any, 0, len(m.Reactions))
		for _, r := range m.Reactions {
			rs = append(rs, map[string]any{"name": r.Name, "users": r.Users, "count": len(r.Users)})
		}
		out["reactions"] = rs
	}
	if withMeta && m.Metadata != nil {
		out["metadata"] = map[string]any{"event_type": m.Metadata.EventType, "event_payload": m.Metadata.EventPayload}
	}
	return out
}

func (s *Server) renderUser(u *User, locale bool) map[string]any {
	first, last, _ := strings.Cut(u.RealName, " ")
	profile := map[string]any{
		"real_name": u.RealName, "real_name_normalized": u.RealName,
		"display_name": u.DisplayName, "display_name_normalized": u.DisplayName,
		"first_name": first, "last_name": last,
		"avatar_hash": fmt.Sprintf("g%011x", len(u.ID)*7919), "title": "", "phone": "", "skype": "",
		"status_text": "", "status_emoji": "", "status_expiration": 0, "fields": map[string]any{},
		"team":      u.TeamID,
		"image_24":  avatarBase + u.ID + "_24.png",
		"image_32":  avatarBase + u.ID + "_32.png",
		"image_48":  avatarBase + u.ID + "_48.png",
		"image_72":  avatarBase + u.ID + "_72.png",
		"image_192": avatarBase + u.ID + "_192.png",
		"image_512": avatarBase + u.ID + "_512.png",
	}
	if u.Email != "" {
		profile["email"] = u.Email
	}
	if u.IsBot {
		profile["bot_id"] = u.BotID
		profile["api_app_id"] = u.AppID
		profile["always_active"] = true
	}
	out := map[string]any{
		"id": u.ID, "team_id": u.TeamID, "name": u.Name, "deleted": u.Deleted, "color": "9f69e7",
		"real_name": u.RealName, "tz": u.TZ, "tz_label": u.TZLabel, "tz_offset": u.TZOffset,
		"profile": profile, "is_admin": u.IsAdmin, "is_owner": u.IsOwner, "is_primary_owner": false,
		"is_restricted": u.IsRestricted, "is_ultra_restricted": u.IsUltraRestricted,
		"is_bot": u.IsBot, "is_app_user": u.IsAppUser, "updated": 1700000000, "has_2fa": false,
	}
	if u.IsStranger {
		out["is_stranger"] = true
	}
	if locale {
		out["locale"] = "en-US"
	}
	return out
}

func (s *Server) renderChannel(ch *Channel, numMembers, isMember bool) map[string]any {
	if ch.IM {
		return map[string]any{
			"id": ch.ID, "created": 1700000000, "is_im": true, "is_org_shared": false, "user": ch.IMUser,
			"priority": 0, "is_user_deleted": s.st.users[ch.IMUser] != nil && s.st.users[ch.IMUser].Deleted,
			"is_archived": false, "is_open": true, "is_ext_shared": s.st.users[ch.IMUser] != nil && s.st.users[ch.IMUser].TeamID != s.st.team.ID,
		}
	}
	topic := func(v string) map[string]any {
		return map[string]any{"value": v, "creator": "", "last_set": 0}
	}
	out := map[string]any{
		"id": ch.ID, "name": ch.Name, "name_normalized": ch.Name,
		"is_channel": !ch.Private && !ch.MPIM, "is_group": ch.Private && !ch.MPIM, "is_im": false, "is_mpim": ch.MPIM,
		"is_private": ch.Private, "created": 1700000000, "is_archived": ch.Archived, "is_general": ch.General,
		"unlinked": 0, "is_shared": ch.ExtShared, "is_org_shared": false, "is_ext_shared": ch.ExtShared,
		"is_pending_ext_shared": false, "pending_shared": []string{}, "creator": ch.Creator,
		"topic": topic(ch.Topic), "purpose": topic(ch.Purpose), "previous_names": []string{},
	}
	if ch.ExtShared {
		out["conversation_host_id"] = s.st.team.ID
		out["connected_team_ids"] = append([]string{s.st.team.ID}, ch.ConnectedTeams...)
		out["shared_team_ids"] = []string{s.st.team.ID}
	}
	if isMember {
		out["is_member"] = s.st.isMember(ch, s.st.botUser)
	}
	if numMembers {
		out["num_members"] = len(ch.Members)
	}
	return out
}
