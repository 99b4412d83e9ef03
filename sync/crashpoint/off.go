//go:build !crashpoints || !unix

package crashpoint

// At marks a step of a side effect. Without the crashpoints build tag it
// (or on a system without SIGKILL) it does nothing and compiles to nothing.
func At(kind, step, key string) {}

// AtSlack marks a step of a Slack side effect of the delivery kind kind
// ("post", "thread", "ephemeral", "update"); like At, it compiles to
// nothing without the tag.
func AtSlack(kind, step, key string) {}
