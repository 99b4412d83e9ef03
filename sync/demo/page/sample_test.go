package page

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata" // the sample's zones must not depend on the machine's zoneinfo
)

// Sample people. The reader is Olena, an account manager in Kyiv.
const (
	uOlena   = "U01OLENA"
	uDmytro  = "U02DMYTRO"
	uIryna   = "U03IRYNA"
	uMarek   = "U09MAREK"
	uAnna    = "U08ANNA"
	uLiaison = "U00LIAISON"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("loading zone %s: %v", name, err)
	}
	return loc
}

func blocksJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// m is shorthand for the maps Block Kit JSON is written with here.
type m = map[string]any

func plain(s string) m { return m{"type": "plain_text", "text": s, "emoji": true} }
func md(s string) m    { return m{"type": "mrkdwn", "text": s} }

func button(text, style, action string) m {
	b := m{"type": "button", "text": plain(text), "action_id": action, "value": action}
	if style != "" {
		b["style"] = style
	}
	return b
}

// samplePage is a realistic Friday-to-Monday at a Kyiv agency: a deadline
// alert in Ukrainian with buttons, a Russian-speaking Slack Connect client
// redirected to his AM in a thread, an alert resolved by chat.update, an
// ephemeral FAQ suggestion in English, and an alert deferred over the weekend.
func samplePage(t testing.TB) Page {
	kyiv := mustZone(t, "Europe/Kyiv")
	warsaw := mustZone(t, "Europe/Warsaw")
	london := mustZone(t, "Europe/London")
	at := func(day, hour, min int) time.Time { return time.Date(2025, 3, day, hour, min, 0, 0, kyiv) }
	key := func(recipient string, t time.Time) string {
		return "liaison_delivery · post/" + recipient + "/alert/" + strconv.FormatInt(t.UnixMilli(), 10)
	}
	liaison := func(ts time.Time) Message {
		return Message{TS: slackTS(ts), Time: ts, Location: kyiv, UserID: uLiaison, UserName: "Liaison", Bot: true}
	}

	deadline := liaison(at(14, 9, 0))
	deadline.Text = "Дедлайн завтра: ACME-142 Запуск весняної кампанії"
	deadline.Blocks = blocksJSON(t, []m{
		{"type": "header", "text": plain(":hourglass_flowing_sand: Дедлайн завтра")},
		{"type": "section", "text": md("*<https://jira.example.test/browse/ACME-142|ACME-142> Запуск весняної кампанії «Весна 2025»*\nТермін: *сб, 15 березня* (за часом клієнта, Варшава)"),
			"accessory": m{"type": "button", "text": plain("Відкрити в Jira"), "url": "https://jira.example.test/browse/ACME-142", "action_id": "open"}},
		{"type": "section", "fields": []m{
			md("*Клієнт*\nAcme Polska"), md("*Виконавець*\n<@" + uDmytro + ">"),
			md("*Статус*\nIn Progress"), md("*Залишок оцінки*\n6 год"),
		}},
		{"type": "actions", "elements": []m{
			button(":white_check_mark: Зроблено", "primary", "ack"),
			button(":calendar: Перенести", "", "snooze"),
			button(":rotating_light: Ескалювати", "danger", "escalate"),
		}},
		{"type": "context", "elements": []m{md(":bell: правило `deadline` · попередження за 1 робочий день · <#C01ACME|acme-kvitka>")}},
	})
	deadline.Badges = []string{"alert"}
	deadline.Metadata = key(uOlena, deadline.Time)

	unanswered := liaison(at(14, 11, 5))
	unanswered.Text = "Вирішено: Marek Nowak отримав відповідь"
	unanswered.Blocks = blocksJSON(t, []m{
		{"type": "section", "text": md(":white_check_mark: ~Клієнт чекає на відповідь 1 робочу годину~\n*Marek Nowak* (Acme Polska) у <#C01ACME|acme-kvitka>: _«И ещё: когда будет готов отчёт за февраль?»_")},
		{"type": "context", "elements": []m{md("Вирішено о 11:42 — <@" + uDmytro + "> відповів у треді")}},
	})
	unanswered.Edited, unanswered.Resolved = true, true
	unanswered.Badges = []string{"resolved"}
	unanswered.Metadata = key(uOlena, unanswered.Time)
	resolvedNote := liaison(at(14, 11, 42))
	resolvedNote.Text = ":white_check_mark: Вирішено: <@" + uDmytro + "> відповів клієнту о 11:42. Більше нагадувань не буде."
	unanswered.Thread = []Message{resolvedNote}

	redirectAlert := liaison(at(14, 9, 3))
	redirectAlert.Text = ":leftwards_arrow_with_hook: *Переадресація*: Marek Nowak (Acme Polska) звернувся до <@" + uDmytro + "> напряму в <#C01ACME|acme-kvitka>.\n> Можно до конца дня увеличить дневной бюджет кампании «Весна 2025» до 300 zł?\nЯ відповів клієнту в треді й назвав вас. <https://kvitka.slack.test/archives/C01ACME/p1741935720000100|Відкрити повідомлення>"
	redirectAlert.Badges = []string{"redirect"}
	redirectAlert.Metadata = key(uOlena, redirectAlert.Time)

	deferred := liaison(at(17, 9, 0))
	deferred.Text = "Новий коментар клієнта в ACME-150"
	deferred.Blocks = blocksJSON(t, []m{
		{"type": "section", "text": md(":speech_balloon: *Новий коментар клієнта* в <https://jira.example.test/browse/ACME-150|ACME-150> Лендінг для акції\n> Prosimy o zmianę nagłówka na „Wiosenna wyprzedaż”.\nНаписано в пт о 20:14 — поза вашими робочими годинами.")},
		{"type": "actions", "elements": []m{button("Відкрити в Jira", "primary", "open"), button("Я подивлюся", "", "ack")}},
	})
	deferred.Badges = []string{"deferred: Fri 20:00 → Mon 09:00", "alert"}
	deferred.Metadata = key(uOlena, deferred.Time)

	marek := func(ts time.Time, text string) Message {
		return Message{TS: slackTS(ts), Time: ts, Location: kyiv, UserID: uMarek, UserName: "Marek Nowak", External: true, Org: "Acme Polska", Text: text}
	}
	budget := marek(at(14, 9, 2), "<@"+uDmytro+"> Добрый день! Можно до конца дня увеличить дневной бюджет кампании «Весна 2025» до 300 zł? :pray:")
	redirectReply := liaison(at(14, 9, 3))
	redirectReply.Text = "Марек, добрый день! Вопросами бюджета занимается ваш аккаунт-менеджер <@" + uOlena + ">, я уже передал ей ваше сообщение. Она ответит сегодня в рабочее время (пн–пт, 09:00–18:00 по Киеву)."
	redirectReply.Badges = []string{"redirect: template ru"}
	olenaReply := Message{TS: slackTS(at(14, 9, 41)), Time: at(14, 9, 41), Location: kyiv, UserID: uOlena, UserName: "Олена Коваль",
		Text: "Марек, добрый день! Да, поднимем до *300 zł* с 12:00 — подтвержу здесь :ok_hand:"}
	budget.Thread = []Message{redirectReply, olenaReply}
	report := marek(at(14, 10, 0), "И ещё: когда будет готов отчёт за февраль?")
	dmytro := Message{TS: slackTS(at(14, 11, 42)), Time: at(14, 11, 42), Location: kyiv, UserID: uDmytro, UserName: "Дмитро Шевчук",
		Text: "Марек, отчёт будет в понедельник, 17 марта, до 12:00. Ссылка придёт сюда же."}
	report.Thread = []Message{dmytro}

	anna := Message{TS: slackTS(at(14, 13, 10)), Time: at(14, 13, 10), Location: kyiv, UserID: uAnna, UserName: "Anna Lee", External: true, Org: "Northwind Ltd",
		Text: "Hi team! Where can I find last week's conversion numbers? Is there a dashboard I can bookmark?"}
	faq := liaison(at(14, 13, 10))
	faq.Ephemeral = true
	faq.Text = "Suggested answer for Anna Lee"
	faq.Blocks = blocksJSON(t, []m{
		{"type": "section", "text": md(":bulb: *Suggested answer* for Anna's question — FAQ match 0.86 on _“Where are my reports?”_")},
		{"type": "section", "text": md("> Your weekly report lives in the Google Sheet we shared with you: <https://docs.example.test/spreadsheets/d/northwind|Northwind — weekly report>. It refreshes every Monday at 09:00 (London time), and the *Summary* tab has the conversion chart.")},
		{"type": "actions", "elements": []m{button("Post this answer", "primary", "faq_post"), button("Edit first", "", "faq_edit"), button("Not relevant", "", "faq_dismiss")}},
		{"type": "context", "elements": []m{md("Only you can see this · rule `faq` · answer base en")}},
	})
	faq.Badges = []string{"suggestion"}

	digest := liaison(at(17, 9, 0))
	digest.Text = "Дайджест на понеділок"
	digest.Blocks = blocksJSON(t, []m{
		{"type": "header", "text": plain(":calendar: Дайджест на понеділок, 17 березня")},
		{"type": "rich_text", "elements": []m{
			{"type": "rich_text_section", "elements": []m{{"type": "text", "text": "Задачі в роботі без дедлайну", "style": m{"bold": true}}}},
			{"type": "rich_text_list", "style": "bullet", "elements": []m{
				{"type": "rich_text_section", "elements": []m{{"type": "link", "url": "https://jira.example.test/browse/ACME-151", "text": "ACME-151"}, {"type": "text", "text": " Аудит пошукових запитів — "}, {"type": "user", "user_id": uDmytro}}},
				{"type": "rich_text_section", "elements": []m{{"type": "link", "url": "https://jira.example.test/browse/NW-33", "text": "NW-33"}, {"type": "text", "text": " Quarterly SEO review — "}, {"type": "user", "user_id": uIryna}}},
			}},
		}},
		{"type": "divider"},
		{"type": "context", "elements": []m{md("Відкладено з вихідних: 1 · Вирішено за пт: 1 · Переадресацій: 1")}},
	})
	digest.Badges = []string{"digest"}
	iryna := Message{TS: slackTS(at(17, 9, 12)), Time: at(17, 9, 12), Location: kyiv, UserID: uIryna, UserName: "Ірина Бондар",
		Text: "Дякую! ACME-150 беру на себе, <@" + uOlena + "> — глянь, будь ласка, NW-33 :+1:", Edited: true}

	entry := func(ts time.Time, loc *time.Location, actor, kind, text string) Entry {
		return Entry{Time: ts, Location: loc, Actor: actor, Kind: kind, Text: text}
	}
	return Page{
		Title:  "Liaison demo — a working day at Kvitka Digital",
		Agency: "Kvitka Digital",
		Start:  at(14, 8, 0),
		End:    at(17, 10, 0),
		Summary: []Stat{
			{"Messages seen", "6"}, {"Alerts sent", "4"}, {"Redirects", "1"},
			{"Deferred to working hours", "1"}, {"FAQ suggestions", "1"}, {"Resolved", "1"},
		},
		Users: map[string]string{uOlena: "Олена Коваль", uDmytro: "Дмитро Шевчук", uIryna: "Ірина Бондар", uMarek: "Marek Nowak", uAnna: "Anna Lee", uLiaison: "Liaison"},
		Conversations: []Conversation{
			{ID: "D01LIAISON", Name: "Liaison", Kind: KindDM, Members: []string{"Олена Коваль", "Liaison"},
				Messages: []Message{deadline, redirectAlert, unanswered, deferred}},
			{ID: "C01ACME", Name: "acme-kvitka", Kind: KindShared, Members: []string{"Олена Коваль", "Дмитро Шевчук", "Marek Nowak (Acme Polska)", "Liaison"},
				Messages: []Message{budget, report}},
			{ID: "C02NW", Name: "northwind-kvitka", Kind: KindShared, Members: []string{"Олена Коваль", "Anna Lee (Northwind Ltd)", "Liaison"},
				Messages: []Message{anna, faq}},
			{ID: "C03TEAM", Name: "account-team", Kind: KindChannel, Members: []string{"Олена Коваль", "Дмитро Шевчук", "Ірина Бондар", "Liaison"},
				Messages: []Message{digest, iryna}},
		},
		Transcript: []Entry{
			entry(at(14, 9, 0), kyiv, "Liaison", "alert", "deadline: ACME-142 due Sat 15 Mar → DM to Олена Коваль"),
			entry(at(14, 9, 2), warsaw, "Marek Nowak", "seen", "#acme-kvitka: mentions Дмитро Шевчук (specialist) about the campaign budget"),
			entry(at(14, 9, 3), kyiv, "Liaison", "redirect", "replied in thread (ru template), alerted Олена Коваль with a permalink"),
			entry(at(14, 9, 41), kyiv, "Олена Коваль", "seen", "#acme-kvitka: answered Marek in the thread"),
			entry(at(14, 10, 0), warsaw, "Marek Nowak", "seen", "#acme-kvitka: asks when the February report is ready"),
			entry(at(14, 11, 5), kyiv, "Liaison", "alert", "response: Marek Nowak unanswered for 1 working hour → DM to Олена Коваль"),
			entry(at(14, 11, 42), kyiv, "Дмитро Шевчук", "seen", "#acme-kvitka: answered Marek (specialist answered anyway; counted)"),
			entry(at(14, 11, 42), kyiv, "Liaison", "resolved", "response finding resolved → chat.update on the 11:05 alert, note in thread"),
			entry(at(14, 13, 10), london, "Anna Lee", "seen", "#northwind-kvitka: asks where last week's conversions are"),
			entry(at(14, 13, 10), kyiv, "Liaison", "suggestion", "faq: match 0.86 “Where are my reports?” → ephemeral to Олена Коваль"),
			entry(at(14, 20, 14), warsaw, "Jira", "jira", "ACME-150: new client comment"),
			entry(at(14, 20, 15), kyiv, "Liaison", "deferred", "alert for Олена Коваль held until Mon 09:00 (outside working hours)"),
			entry(at(17, 9, 0), kyiv, "Liaison", "alert", "deferred alert delivered: ACME-150 comment"),
			entry(at(17, 9, 0), kyiv, "Liaison", "digest", "Monday digest to #account-team: 2 tasks without due date"),
		},
	}
}

// slackTS is a Slack message timestamp for t.
func slackTS(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10) + ".000100"
}
