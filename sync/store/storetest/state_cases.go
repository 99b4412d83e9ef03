package storetest

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

func testSilences(t *testing.T, s store.Store) {
	call, err := s.AddSilence(ctx(t), store.Silence{ID: "planned-call", ClientID: "acme",
		StartsAt: at(time.Hour), EndsAt: at(2 * time.Hour), CreatedBy: "ann", Comment: "planned call"})
	must(t, err)
	if call != "planned-call" {
		t.Errorf("id = %q, want the given id", call)
	}
	launch, err := s.AddSilence(ctx(t), store.Silence{Rule: "redirect", StartsAt: at(0), EndsAt: at(24 * time.Hour)})
	must(t, err)
	if launch == "" {
		t.Fatal("AddSilence assigned no id")
	}

	tests := []struct {
		name string
		t    time.Time
		want []string
	}{
		{"before any", at(-time.Minute), nil},
		{"start is inclusive", at(0), []string{launch}},
		{"both", at(90 * time.Minute), sortedIDs(call, launch)},
		{"end is exclusive", at(2 * time.Hour), []string{launch}},
		{"after all", at(25 * time.Hour), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := activeIDs(t, s, tt.t); !slices.Equal(got, tt.want) {
				t.Errorf("active = %v, want %v", got, tt.want)
			}
		})
	}

	must(t, s.ExpireSilence(ctx(t), launch, at(30*time.Minute)))
	if got := activeIDs(t, s, at(90*time.Minute)); !slices.Equal(got, []string{call}) {
		t.Errorf("active after expiring %s = %v, want [%s]", launch, got, call)
	}
	if got := activeIDs(t, s, at(10*time.Minute)); !slices.Equal(got, []string{launch}) {
		t.Errorf("expiring must not rewrite the past: active = %v", got)
	}
	// Expiring later than the end must not extend a silence.
	must(t, s.ExpireSilence(ctx(t), launch, at(48*time.Hour)))
	if got := activeIDs(t, s, at(40*time.Minute)); !slices.Equal(got, []string(nil)) {
		t.Errorf("late expiry revived a silence: %v", got)
	}
	mustBe(t, s.ExpireSilence(ctx(t), "missing", at(0)), store.ErrNotFound)

	_, err = s.AddSilence(ctx(t), store.Silence{Rule: "x", StartsAt: at(time.Hour), EndsAt: at(time.Hour)})
	mustBe(t, err, store.ErrInvalid)
	_, err = s.AddSilence(ctx(t), store.Silence{StartsAt: at(0), EndsAt: at(time.Hour)})
	mustBe(t, err, store.ErrInvalid)

	list, err := s.ListActiveSilences(ctx(t), at(90*time.Minute))
	must(t, err)
	if len(list) != 1 || list[0].CreatedBy != "ann" || list[0].Comment != "planned call" ||
		!list[0].StartsAt.Equal(at(time.Hour)) || list[0].CreatedAt.IsZero() {
		t.Errorf("silence round trip = %+v", list)
	}
	f := rules.Finding{Key: "k", Rule: "redirect", ClientID: "acme", Subject: rules.Subject{ID: "C1/1.0"}}
	if !list[0].Matches(f) {
		t.Error("client silence does not match a finding of that client")
	}
	f.ClientID = "beta"
	if list[0].Matches(f) {
		t.Error("client silence matches another client's finding")
	}
}

func sortedIDs(ids ...string) []string { slices.Sort(ids); return ids }

func activeIDs(t *testing.T, s store.Store, at time.Time) []string {
	t.Helper()
	list, err := s.ListActiveSilences(ctx(t), at)
	must(t, err)
	var ids []string
	for _, sl := range list {
		ids = append(ids, sl.ID)
	}
	return ids
}

func testReportState(t *testing.T, s store.Store) {
	_, err := s.GetReportState(ctx(t), "acme/2026-10/summary")
	mustBe(t, err, store.ErrNotFound)

	steps := []struct {
		hash, data string
		wrote      bool
	}{
		{"h1", `{"clicks":10}`, true},
		{"h1", `{"clicks":10}`, false}, // unchanged: skip the Sheets write
		{"h2", `{"clicks":12}`, true},
	}
	for i, st := range steps {
		wrote, err := s.PutReportState(ctx(t), store.ReportState{Key: "acme/2026-10/summary", Hash: st.hash, Data: json.RawMessage(st.data)})
		must(t, err)
		if wrote != st.wrote {
			t.Errorf("step %d: wrote = %v, want %v", i, wrote, st.wrote)
		}
	}
	got, err := s.GetReportState(ctx(t), "acme/2026-10/summary")
	must(t, err)
	if got.Hash != "h2" || string(got.Data) != `{"clicks":12}` || got.UpdatedAt.IsZero() {
		t.Errorf("state = %+v %s", got, got.Data)
	}
	_, err = s.PutReportState(ctx(t), store.ReportState{Key: "k", Hash: "h", Data: json.RawMessage(`{`)})
	mustBe(t, err, store.ErrInvalid)
}

func testAudit(t *testing.T, s store.Store) {
	entries := []store.AuditEntry{
		{Time: at(2 * time.Minute), Actor: "engine", Action: "delivery.sent", Detail: "d1"},
		{Time: at(0), Actor: "slack:U1", Action: "silence.add", Detail: "planned-call"},
		{Time: at(2 * time.Minute), Actor: "engine", Action: "delivery.sent", Detail: "d2"},
		{Time: at(time.Hour), Actor: "cli", Action: "backfill", Detail: "since 2026-09-01"},
	}
	var last int64
	for _, e := range entries {
		id, err := s.AppendAudit(ctx(t), e)
		must(t, err)
		if id <= last {
			t.Errorf("id %d not increasing after %d", id, last)
		}
		last = id
	}
	tests := []struct {
		name string
		f    store.AuditFilter
		want []string
	}{
		{"all by time then id", store.AuditFilter{}, []string{"planned-call", "d1", "d2", "since 2026-09-01"}},
		{"window half-open", store.AuditFilter{Since: at(time.Minute), Until: at(time.Hour)}, []string{"d1", "d2"}},
		{"actor", store.AuditFilter{Actor: "cli"}, []string{"since 2026-09-01"}},
		{"action and limit", store.AuditFilter{Action: "delivery.sent", Limit: 1}, []string{"d1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.ListAudit(ctx(t), tt.f)
			must(t, err)
			var details []string
			for _, e := range list {
				details = append(details, e.Detail)
			}
			if !slices.Equal(details, tt.want) {
				t.Errorf("details = %v, want %v", details, tt.want)
			}
		})
	}
	_, err := s.AppendAudit(ctx(t), store.AuditEntry{Actor: "x"})
	mustBe(t, err, store.ErrInvalid)
}
