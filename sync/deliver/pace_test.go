package deliver

import (
	"testing"
	"time"
)

func TestPacer(t *testing.T) {
	t0 := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	p := newPacer(time.Second, 2, 3)
	if _, ok := p.reserve("C1", t0); !ok {
		t.Fatal("first post refused")
	}
	if at, ok := p.reserve("C1", t0.Add(500*time.Millisecond)); ok || !at.Equal(t0.Add(time.Second)) {
		t.Errorf("second post in the same second = %v, %v; want refused until +1s", at, ok)
	}
	for _, ch := range []string{"C2", "C3"} {
		if _, ok := p.reserve(ch, t0); !ok {
			t.Fatalf("%s refused within the burst", ch)
		}
	}
	// The workspace bucket (burst 3, 2/s) is empty now.
	if at, ok := p.reserve("C4", t0); ok || !at.Equal(t0.Add(500*time.Millisecond)) {
		t.Errorf("fourth channel = %v, %v; want refused until a token refills at +0.5s", at, ok)
	}
	if _, ok := p.reserve("C4", t0.Add(500*time.Millisecond)); !ok {
		t.Error("refilled token refused")
	}
	p.pause("C2", t0.Add(10*time.Second))
	if at, ok := p.reserve("C2", t0.Add(5*time.Second)); ok || !at.Equal(t0.Add(10*time.Second)) {
		t.Errorf("paused channel = %v, %v; want refused until the pause ends", at, ok)
	}
}
