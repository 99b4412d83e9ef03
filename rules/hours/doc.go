// Package hours is Liaison's working-time engine, modelled on Alertmanager's
// timeinterval: weekly schedules with breaks and overnight ranges, public
// holidays and vacations, all evaluated in a person's own time zone.
//
// Everything here is a pure function of its arguments: no clock is read.
//
// # Wall-clock resolution
//
// Schedules are written in local wall-clock time and every boundary is turned
// into an instant with the same rule (see Date.At):
//
//   - a wall time that exists once maps to that instant;
//   - a wall time that exists twice (the repeated hour when clocks go back)
//     maps to its first occurrence;
//   - a wall time that does not exist (the hour skipped when clocks go
//     forward) maps to the first instant after the gap.
//
// The resolution is monotonic, so ranges never reorder. The consequence is
// that a range's real length follows the clocks: on the day clocks go forward
// 09:00-18:00 is still 9 h (the change happens at night), but an overnight
// 22:00-06:00 range lasts 7 h, and 9 h on the night clocks go back, because
// the repeated hour counts once per occurrence between the two boundaries.
// Work is what the person's clock on the wall says, not a fixed length.
//
// # Days
//
// A range belongs to the day it starts on. An overnight range (written with
// an end before its start, stored with End > 24*60) continues into the next
// day even if that day is a holiday, and is skipped entirely when its start
// day is a holiday or vacation day.
package hours

// The zone database is embedded so calendars resolve in an empty chroot or a
// distroless image without /usr/share/zoneinfo.
import _ "time/tzdata"
