// Package rules holds what every rule shares: findings, severities and the
// stable keys that let the engine deduplicate, repeat and resolve what a rule
// reports. Rules themselves live in subpackages and are pure functions of
// (snapshot, now).
package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Severity ranks findings; routing and escalation branch on it.
type Severity int

// Severities in increasing order, so that comparisons read naturally
// (sev >= SeverityWarning).
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityCritical
)

var severityNames = [...]string{"info", "warning", "critical"}

// String returns the lowercase name used in config and storage.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "severity(" + strconv.Itoa(int(s)) + ")"
	}
	return severityNames[s]
}

// ParseSeverity parses "info", "warning" or "critical" (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	for i, name := range severityNames {
		if strings.EqualFold(s, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning or critical)", s)
}

// MarshalText makes severities read as names in JSON and YAML.
func (s Severity) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(severityNames) {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText is the inverse of MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Subject kinds: what a finding is about.
const (
	SubjectTask    = "task"
	SubjectMessage = "message"
	SubjectPerson  = "person"
	SubjectClient  = "client"
)

// Subject is the thing a finding is about.
type Subject struct {
	Kind string // one of the Subject* constants
	ID   string // issue key, "channel/ts", account id or client id
	URL  string // where a human can look at it; not part of the finding's identity
}

// Finding is one thing a rule wants a human to know about.
//
// A rule emits the same Key every time it sees the same situation, so the
// engine can tell a new finding from a repeated one and resolve it when the
// rule stops emitting it.
type Finding struct {
	Key        string // see Key; stable across runs and restarts
	Rule       string // rule name, e.g. "deadline"
	ClientID   string
	Subject    Subject
	Severity   Severity
	Title      string
	Fields     map[string]string // rendering details (due date, assignee, permalink...)
	FirstSeen  time.Time
	LastSeen   time.Time
	ResolvedAt time.Time // zero while open

	// FormerKinds are the kinds (Key's last argument, with the same rule,
	// client and subject) under which earlier versions of the rule keyed
	// this same situation. When the finding is not open under Key but is
	// under one of those keys, the engine continues the stored finding
	// under its former key, so that an upgrade that changes how keys are
	// built neither resolves open findings nor alerts about them again.
	// They are not stored, and rules may share one slice among findings:
	// nobody modifies it.
	FormerKinds []string
}

// Open reports whether the finding is unresolved.
func (f Finding) Open() bool { return f.ResolvedAt.IsZero() }

// Key derives a finding key from what identifies the situation: the rule, the
// client, the subject (kind and id, not URL) and the situation within the
// rule. A situation that gets worse (a task due soon that becomes overdue,
// a wait that escalates) is the same finding with a new severity or kind,
// so kind should name the situation, not its current stage. The parts are length-prefixed before
// hashing so that ("a:b", "c") and ("a", "b:c") cannot collide; the rule name
// stays readable at the front for logs and audit.
func Key(rule, clientID string, subject Subject, kind string) string {
	// Built by hand rather than with fmt: rules call Key for every finding
	// of every run, and fmt was a seventh of the deadline rule's time.
	buf := make([]byte, 0, 128)
	for _, part := range [...]string{rule, clientID, subject.Kind, subject.ID, kind} {
		buf = strconv.AppendInt(buf, int64(len(part)), 10)
		buf = append(buf, ':')
		buf = append(buf, part...)
		buf = append(buf, ';')
	}
	sum := sha256.Sum256(buf)
	return rule + ":" + hex.EncodeToString(sum[:16])
}
