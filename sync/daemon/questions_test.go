package daemon

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules/questions"
)

// questionTasks returns the fake's question tasks, oldest first.
func questionTasks(sb *sandbox.Sandbox) []jirafake.Issue {
	var out []jirafake.Issue
	for _, is := range sb.Jira().Issues() {
		if slices.Contains(is.Labels, questions.Label) {
			out = append(out, is)
		}
	}
	slices.SortFunc(out, func(a, b jirafake.Issue) int { return a.Created.Compare(b.Created) })
	return out
}

// jiraCalls counts the requests the question queue makes: lookups of the
// idempotency label, creations and edits.
func jiraCalls(sb *sandbox.Sandbox) int {
	n := 0
	for _, r := range []string{"GET /rest/api/3/search/jql", "POST /rest/api/3/search/jql", "POST /rest/api/3/issue",
		"PUT /rest/api/3/issue/{issueIdOrKey}"} {
		n += sb.Jira().RequestCount(r)
	}
	return n
}

var itemRE = regexp.MustCompile(`(?m)^\d+\. `)

// items counts the numbered questions in a task's description.
func items(is jirafake.Issue) int { return len(itemRE.FindAllString(is.Description, -1)) }

// react adds the reaction in the fake (which refuses unknown messages and
// users) and hands the reaction_added event to the app as the Socket Mode
// receiver does.
func react(t *testing.T, app *App, sb *sandbox.Sandbox, m slackfake.Message, user, emoji string) {
	t.Helper()
	if err := sb.Slack().AddReaction(m.Channel, m.TS, user, emoji); err != nil && !strings.Contains(err.Error(), "already_reacted") {
		t.Fatal(err)
	}
	ev := slackconn.Event{Kind: slackconn.KindReactionAdded, EventID: "Ev" + m.TS + user + emoji, Channel: m.Channel,
		User: user, Reaction: emoji, ItemTS: m.TS, ItemUser: m.User}
	if err := app.HandleEvent(context.Background(), ev); err != nil {
		t.Fatalf("reaction %s by %s on %s: %v", emoji, user, m.TS, err)
	}
}

// agencySays posts a message as an agency person in the client's channel.
func agencySays(t *testing.T, app *App, sb *sandbox.Sandbox, clientID, personID, text string) slackfake.Message {
	t.Helper()
	cfg := app.cfg()
	user := cfg.Person(personID).SlackUserID
	m, err := sb.Slack().PostUserMessage(slackfake.UserMessage{Channel: cfg.Client(clientID).SlackChannels[0], User: user, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	ev := slackconn.Event{Kind: slackconn.KindMessage, EventID: "Ev" + m.TS, Channel: m.Channel, ChannelType: "channel",
		User: user, UserTeam: m.Team, TS: m.TS, Text: m.Text}
	if err := app.HandleEvent(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestQuestionQueueEndToEnd: Steppe Foods' AM forwards three client
// questions in one week with :question: → one Russian Jira task for the PPC
// specialist they mention, due three of his working days later; repeated
// reactions and reactions by others change nothing; a question the next
// week opens a second task; when the first task is done the AM is told
// once that the answers are ready.
func TestQuestionQueueEndToEnd(t *testing.T) {
	// Tuesday 1 December 2026, 11:00 in Almaty (ISO week 49).
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	ctx := context.Background()
	cfg := app.cfg()
	marat, timur := cfg.Person("marat"), cfg.Person("timur")
	steppe := cfg.Client("steppe-foods")

	asked := []slackfake.Message{
		clientSays(t, app, sb, "steppe-foods", mention(cfg, "timur")+" какой CPC по бренду за ноябрь?", ""),
		clientSays(t, app, sb, "steppe-foods", "Можно ли запустить рекламу в Astana с 10 декабря?", ""),
		clientSays(t, app, sb, "steppe-foods", "Почему выросла цена клика в Performance Max?", ""),
	}
	for _, m := range asked {
		clk.Advance(time.Minute)
		react(t, app, sb, m, marat.SlackUserID, "question")
	}

	tasks := questionTasks(sb)
	if len(tasks) != 1 {
		t.Fatalf("%d question tasks after three forwarded questions, want 1", len(tasks))
	}
	task := tasks[0]
	if task.Project != steppe.JiraProjects[0] || task.Assignee != timur.JiraAccountID {
		t.Errorf("task in %s assigned to %q, want %s assigned to Timur (%s)", task.Project, task.Assignee, steppe.JiraProjects[0], timur.JiraAccountID)
	}
	if want := "Вопросы клиента Steppe Foods — неделя 2026-W49"; task.Summary != want {
		t.Errorf("summary %q, want %q", task.Summary, want)
	}
	if n := items(task); n != 3 {
		t.Errorf("%d questions in the description, want 3:\n%s", n, task.Description)
	}
	var links []string
	for _, m := range asked {
		link, err := app.slack.Permalink(ctx, m.Channel, m.TS, m.ThreadTS)
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, link)
	}
	for _, want := range append([]string{"@Timur Abenov какой CPC", "Astana с 10 декабря", "Performance Max",
		"Aigerim Nurlanovna", "2026-12-01 11:00", "комментарии", marat.Name}, links...) {
		if !strings.Contains(task.Description, want) {
			t.Errorf("description lacks %q:\n%s", want, task.Description)
		}
	}
	// Tuesday + 3 of Timur's working days (mon-fri, Almaty) is Friday.
	if task.DueDate != "2026-12-04" {
		t.Errorf("due %q, want 2026-12-04", task.DueDate)
	}

	// A second reaction and a redelivered event add nothing; nor do a
	// reaction by the specialist, another emoji, or a reaction on the AM's
	// own message.
	calls := jiraCalls(sb)
	react(t, app, sb, asked[0], marat.SlackUserID, "question")
	react(t, app, sb, asked[0], marat.SlackUserID, "question")
	fourth := clientSays(t, app, sb, "steppe-foods", "А отчёт по SEO когда?", "")
	react(t, app, sb, fourth, timur.SlackUserID, "question")
	react(t, app, sb, fourth, marat.SlackUserID, "eyes")
	own := agencySays(t, app, sb, "steppe-foods", "marat", "Коллеги, уточню у специалиста и вернусь.")
	react(t, app, sb, own, marat.SlackUserID, "question")
	if tasks := questionTasks(sb); len(tasks) != 1 || items(tasks[0]) != 3 {
		t.Fatalf("after ignored reactions: %d tasks, first with %d questions; want 1 with 3", len(tasks), items(tasks[0]))
	}
	if got := jiraCalls(sb); got != calls {
		t.Errorf("ignored reactions made %d Jira requests, want none", got-calls)
	}

	// The next Tuesday is week 50: a new batch and a new task.
	clk.Set(time.Date(2026, 12, 8, 6, 0, 0, 0, time.UTC))
	next := clientSays(t, app, sb, "steppe-foods", mention(cfg, "timur")+" можно увеличить бюджет на 20%?", "")
	react(t, app, sb, next, marat.SlackUserID, "question")
	tasks = questionTasks(sb)
	if len(tasks) != 2 || !strings.Contains(tasks[1].Summary, "2026-W50") || items(tasks[1]) != 1 {
		t.Fatalf("after a question in the next week: %d tasks; want a second one for 2026-W50 with 1 question", len(tasks))
	}

	// The specialist answers and closes the first task.
	if _, err := sb.Jira().UpdateIssue(task.Key, func(is *jirafake.Issue) { is.Status = "Done" }); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute) // past the connector's consistency lag
	dm := dmOf(t, app, marat.SlackUserID)
	cycle := func() {
		t.Helper()
		if err := app.PullJira(ctx); err != nil {
			t.Fatal(err)
		}
		if err := app.engine.RunQuestions(ctx); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := app.Deliver(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Advance(2 * time.Second)
		}
	}
	cycle()
	post, n := findPost(sb, dm, "передайте ответы")
	if n != 1 {
		t.Fatalf("%d answers-ready alerts for %s in the AM's DM, want 1", n, task.Key)
	}
	for _, link := range links {
		if body := string(post.Blocks); !strings.Contains(body, link) {
			t.Errorf("the alert does not link question %s: %s", link, body)
		}
	}
	if _, n := findPost(sb, dm, tasks[1].Key+" — передайте"); n != 0 {
		t.Errorf("the open second task was announced")
	}

	// Running again, and reopening and closing the task, tell no one twice.
	cycle()
	if _, err := sb.Jira().UpdateIssue(task.Key, func(is *jirafake.Issue) { is.Status = "In Progress" }); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute)
	cycle()
	if _, err := sb.Jira().UpdateIssue(task.Key, func(is *jirafake.Issue) { is.Status = "Done" }); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute)
	cycle()
	if _, n := findPost(sb, dm, "передайте ответы"); n != 1 {
		t.Errorf("%d answers-ready alerts for %s after more cycles and a reopen, want still 1", n, task.Key)
	}
}
