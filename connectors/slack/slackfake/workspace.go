package slackfake

// IDs of the default workspace. They follow the patterns of Slack's OpenAPI
// spec (team and channel ids with at least eight characters after the
// prefix) so that responses built from them validate.
const (
	TeamID        = "T0AGENCY01"
	TeamDomain    = "agency"
	BotUserID     = "U0LIAISON1"
	BotID         = "B0LIAISON1"
	AppID         = "A0LIAISON1"
	AMUserID      = "U0ANNAAM01"
	HeadUserID    = "U0HEADAM01"
	SEOUserID     = "U0SERGEY01"
	PPCUserID     = "U0PAVELPP1"
	ClientUserID  = "U0CLIENT01"
	ClientTeamID  = "T0ACMECORP"
	GuestUserID   = "U0GUEST001"
	OtherBotID    = "U0JIRABOT1"
	GeneralChanID = "C0GENERAL1"
	SharedChanID  = "C0ACMEEXT1"
	PrivateChanID = "C0AMTEAM01"
	NoBotChanID   = "C0RANDOM01"
)

// Workspace is the seeded state of the fake: one team, its users (and
// Slack Connect users of other teams) and its conversations.
type Workspace struct {
	Team Team
	// BotUserID, BotID and AppID identify our app's bot user.
	BotUserID string
	BotID     string
	AppID     string
	Users     []User
	Channels  []Channel
}

// Team is a Slack workspace.
type Team struct {
	ID     string
	Name   string
	Domain string
}

// User is a Slack user as users.info describes it.
type User struct {
	ID          string
	TeamID      string
	Name        string
	RealName    string
	DisplayName string
	Email       string
	TZ          string
	TZLabel     string
	TZOffset    int
	IsAdmin     bool
	IsOwner     bool
	IsBot       bool
	IsAppUser   bool
	// IsRestricted marks a multi-channel guest, IsUltraRestricted a
	// single-channel guest: both belong to our team, neither is a client
	// by that fact alone.
	IsRestricted      bool
	IsUltraRestricted bool
	// IsStranger marks a Slack Connect user of another team whom we share
	// no channel membership with beyond the connected ones.
	IsStranger bool
	Deleted    bool
	BotID      string
	AppID      string
}

// Channel is a conversation: public or private channel, IM or MPIM.
type Channel struct {
	ID      string
	Name    string
	Private bool
	IM      bool
	MPIM    bool
	// IMUser is the other party of an IM.
	IMUser    string
	ExtShared bool
	Archived  bool
	General   bool
	Creator   string
	Topic     string
	Purpose   string
	Members   []string
	// ConnectedTeams lists the other teams of a Slack Connect channel.
	ConnectedTeams []string
}

// DefaultWorkspace is a small agency: an account manager, her head, two
// specialists, our bot, another bot, a guest and a client from another
// company reached over Slack Connect.
func DefaultWorkspace() Workspace {
	agency := func(id, name, real, tz string, off int) User {
		return User{ID: id, TeamID: TeamID, Name: name, RealName: real, DisplayName: name,
			Email: name + "@agency.example", TZ: tz, TZLabel: tz, TZOffset: off}
	}
	users := []User{
		agency(AMUserID, "anna", "Anna Account", "Europe/Berlin", 3600),
		agency(HeadUserID, "helen", "Helen Head", "Europe/Berlin", 3600),
		agency(SEOUserID, "sergey", "Sergey SEO", "Europe/Kyiv", 7200),
		agency(PPCUserID, "pavel", "Pavel PPC", "Europe/Warsaw", 3600),
		{ID: BotUserID, TeamID: TeamID, Name: "liaison", RealName: "Liaison", DisplayName: "liaison",
			IsBot: true, BotID: BotID, AppID: AppID, TZ: "America/Los_Angeles", TZLabel: "Pacific Standard Time", TZOffset: -28800},
		{ID: OtherBotID, TeamID: TeamID, Name: "jira", RealName: "Jira Cloud", DisplayName: "jira",
			IsBot: true, BotID: "B0JIRABOT1", AppID: "A0JIRAAPP1", TZ: "America/Los_Angeles", TZLabel: "Pacific Standard Time", TZOffset: -28800},
		{ID: GuestUserID, TeamID: TeamID, Name: "gary.guest", RealName: "Gary Guest", DisplayName: "gary",
			Email: "gary@freelance.example", IsRestricted: true, TZ: "Europe/London", TZLabel: "Greenwich Mean Time"},
		{ID: ClientUserID, TeamID: ClientTeamID, Name: "carla", RealName: "Carla Client", DisplayName: "carla",
			Email: "carla@acme.example", IsStranger: true, TZ: "Europe/Paris", TZLabel: "Central European Time", TZOffset: 3600},
	}
	return Workspace{
		Team:      Team{ID: TeamID, Name: "Agency", Domain: TeamDomain},
		BotUserID: BotUserID,
		BotID:     BotID,
		AppID:     AppID,
		Users:     users,
		Channels: []Channel{
			{ID: GeneralChanID, Name: "general", General: true, Creator: HeadUserID,
				Members: []string{AMUserID, HeadUserID, SEOUserID, PPCUserID, BotUserID, OtherBotID}},
			{ID: SharedChanID, Name: "acme-shared", ExtShared: true, Creator: AMUserID,
				ConnectedTeams: []string{ClientTeamID},
				Members:        []string{AMUserID, SEOUserID, ClientUserID, GuestUserID, BotUserID}},
			{ID: PrivateChanID, Name: "am-team", Private: true, Creator: HeadUserID,
				Members: []string{AMUserID, HeadUserID, BotUserID}},
			{ID: NoBotChanID, Name: "random", Creator: HeadUserID,
				Members: []string{AMUserID, HeadUserID, SEOUserID}},
		},
	}
}
