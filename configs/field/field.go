// Package field lets a configuration block's Validate method name the key
// each problem is about, so that the loader in package configs can point the
// operator at the right line of agency.yaml. Config types live beside the
// code that uses them (rules, connectors, delivery) and cannot import
// configs, so this small package is what they share with it.
package field

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a problem with one key of a configuration block. Path is relative
// to the block being validated, in the loader's notation: "templates.ru",
// "routes[2].recipients[0]"; empty means the block itself.
type Error struct {
	Path string
	Msg  string
}

// Error returns "path: message".
func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Errorf returns an *Error for path with a formatted message. Messages must
// not quote secret values.
func Errorf(path, format string, args ...any) *Error {
	return &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// List collects problems while a block is validated. The zero value is ready.
type List struct {
	errs []error
}

// Add records a problem at path.
func (l *List) Add(path, format string, args ...any) {
	l.errs = append(l.errs, Errorf(path, format, args...))
}

// Merge records every problem of err (as returned by another block's
// Validate) under the prefix path.
func (l *List) Merge(prefix string, err error) {
	for _, fe := range Flatten(err) {
		l.errs = append(l.errs, &Error{Path: Join(prefix, fe.Path), Msg: fe.Msg})
	}
}

// Err returns the collected problems joined, or nil when there are none.
func (l *List) Err() error { return errors.Join(l.errs...) }

// Flatten splits an error returned by a Validate method into field errors.
// Errors that are not *Error (a plain error from a helper) become an Error
// with an empty path, so that nothing a block reports is lost.
func Flatten(err error) []*Error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*Error
		for _, e := range joined.Unwrap() {
			out = append(out, Flatten(e)...)
		}
		return out
	}
	var fe *Error
	if errors.As(err, &fe) {
		return []*Error{fe}
	}
	return []*Error{{Msg: err.Error()}}
}

// Join appends a key path to a prefix: Join("rules", "deadline") is
// "rules.deadline", Join("routes", "[2]") is "routes[2]".
func Join(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	case strings.HasPrefix(path, "["):
		return prefix + path
	default:
		return prefix + "." + path
	}
}

// Index returns path[i].
func Index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
