package hours

import (
	"testing"
	"time"
)

func benchCalendar(b *testing.B) *Calendar {
	c := kyivOffice(b)
	for d := mustDate(b, "2024-01-01"); d.Before(mustDate(b, "2025-01-01")); d = d.AddDays(30) {
		c.Holidays = append(c.Holidays, d) // a realistic dozen holidays to scan
	}
	return c
}

func BenchmarkWorking(b *testing.B) {
	c := benchCalendar(b)
	t := wall(b, c.Location, "2024-06-12 15:00")
	for b.Loop() {
		c.Working(t)
	}
}

func BenchmarkNextWorking(b *testing.B) {
	c := benchCalendar(b)
	t := wall(b, c.Location, "2024-06-07 18:30") // Friday evening: crosses the weekend
	for b.Loop() {
		if _, ok := c.NextWorking(t); !ok {
			b.Fatal("no working time")
		}
	}
}

func BenchmarkAddWorking(b *testing.B) {
	c := benchCalendar(b)
	t := wall(b, c.Location, "2024-06-07 17:30")
	for b.Loop() {
		if _, ok := c.AddWorking(t, 40*time.Hour); !ok {
			b.Fatal("no working time")
		}
	}
}

func BenchmarkWorkingDurationMonth(b *testing.B) {
	c := benchCalendar(b)
	from := wall(b, c.Location, "2024-06-01 00:00")
	to := wall(b, c.Location, "2024-07-01 00:00")
	for b.Loop() {
		c.WorkingDuration(from, to)
	}
}
