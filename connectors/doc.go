// Package connectors holds what Liaison's vendor connectors and rules share:
// the agency model read from configuration (people, roles, clients and their
// accounts) and the records synced from upstream (tasks, worklogs, messages).
// Vendor packages (jira, slack, google...) depend on it, never the reverse,
// so the types here are plain data with no I/O.
package connectors
