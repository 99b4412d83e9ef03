package slack

import (
	"context"
	"time"

	"github.com/slack-go/slack"
)

// User is what the rules need to classify an author (users.info).
type User struct {
	ID          string
	TeamID      string // the user's home workspace
	Name        string
	RealName    string
	DisplayName string
	Email       string
	TZ          string // IANA zone, e.g. "Europe/Kyiv"
	IsBot       bool
	IsAppUser   bool
	// IsRestricted and IsUltraRestricted mark guests of our workspace:
	// not clients by that fact alone.
	IsRestricted      bool
	IsUltraRestricted bool
	// IsStranger marks a Slack Connect user we see only through a shared channel.
	IsStranger bool
	Deleted    bool
}

// External reports whether u belongs to another organisation than ourTeam:
// a Slack Connect stranger or a member of another team.
func (u User) External(ourTeam string) bool {
	return u.IsStranger || (u.TeamID != "" && ourTeam != "" && u.TeamID != ourTeam)
}

type cachedUser struct {
	u       User
	expires time.Time
}

// UserInfo returns user id (users.info), from a cache kept for
// Options.UserTTL: events name authors by id, and asking Slack for every
// message would spend the Tier 4 budget on the same few people.
func (c *Client) UserInfo(ctx context.Context, id string) (User, error) {
	now := c.clk.Now()
	c.mu.Lock()
	if e, ok := c.users[id]; ok && now.Before(e.expires) {
		c.mu.Unlock()
		return e.u, nil
	}
	c.mu.Unlock()
	su, err := c.api.GetUserInfoContext(ctx, id, slack.GetUserInfoOptionIncludeLocale(false))
	if err != nil {
		return User{}, c.wrap("users.info", err)
	}
	u := User{ID: su.ID, TeamID: su.TeamID, Name: su.Name, RealName: su.RealName, DisplayName: su.Profile.DisplayName,
		Email: su.Profile.Email, TZ: su.TZ, IsBot: su.IsBot, IsAppUser: su.IsAppUser, IsRestricted: su.IsRestricted,
		IsUltraRestricted: su.IsUltraRestricted, IsStranger: su.IsStranger, Deleted: su.Deleted}
	c.mu.Lock()
	c.users[id] = cachedUser{u: u, expires: c.clk.Now().Add(c.opts.UserTTL)}
	c.mu.Unlock()
	return u, nil
}
