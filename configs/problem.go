package configs

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a configuration file, located at the key
// it is about (or, for a missing key, the mapping that should hold it).
type Problem struct {
	// File is the file's name as given to Load or Parse (or the faq file's).
	File string
	// Line and Col are 1-based; 0 when unknown.
	Line, Col int
	// Path is the key path, such as "clients[2].account_manager".
	Path string
	// Msg says what is wrong. It never quotes a secret.
	Msg string
}

// String formats the problem as "FILE:LINE:COL: key.path: message", the shape
// editors and CI logs link to.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in a configuration; Load and Parse return
// it as their error when a file is readable but invalid.
type Problems []Problem

// Error lists the problems one per line, in file and line order.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sort orders problems by file, line, column, then path, so output is stable
// and reads top to bottom.
func (ps Problems) sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Path < b.Path
	})
}
