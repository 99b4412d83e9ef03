#!/usr/bin/env bash
# Kills the real binary at every named step of every side effect (28 of
# the 30 steps: Slack posts, Jira tasks, report spreadsheets, their sharing
# and the "report ready" message; LIAISON_CRASHPOINTS_ALL=1 adds the two
# Jira before_create steps, which may wait for a periodic job), then at
# random times (10 kills here; LIAISON_RANDOM_KILLS=120 for the long run),
# and checks that nothing was lost and nothing repeated. A step of its own:
# these tests wait out Slack's connection limit for minutes, which would
# crowd the package's ordinary tests and the race detector. About 4.5 min.
set -euo pipefail
cd "$(dirname "$0")/.."
LIAISON_CRASHPOINTS=1 LIAISON_RANDOM_KILLS="${LIAISON_RANDOM_KILLS:-10}" \
  go test -count=1 -timeout 30m -run '^(TestCrashPoints|TestRandomKills)$' ./cmd/liaison
