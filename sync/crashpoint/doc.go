// Package crashpoint names the steps of Liaison's side effects at which a
// test build can kill the process, so that recovery after a crash at each
// of them is proved from outside rather than left to luck.
//
// Callers mark a step with At(kind, step, key). In an ordinary build At is
// an empty function the compiler removes. Built with the crashpoints tag
// (go build -tags crashpoints), At kills the process with SIGKILL — no
// deferred function, no flush, exactly as the kernel would — the first
// time it reaches the step named by the LIAISON_CRASHPOINT environment
// variable:
//
//	LIAISON_CRASHPOINT=slack.thread.after_post          # the first thread reply, once posted
//	LIAISON_CRASHPOINT=jira.question.after_create@acme  # a question task whose key contains "acme"
//
// Just before dying it writes one line to standard error,
// "crashpoint: killed at <name> (<key>)", so that a test knows the step
// was reached.
package crashpoint
