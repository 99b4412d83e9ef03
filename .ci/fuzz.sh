#!/usr/bin/env bash
# Short fuzz run for CI: every fuzz target for FUZZTIME (default 10s), one
# after the other, so the whole run stays under three minutes on two cores.
# Each line of output names the target and how many inputs it executed; a
# failure prints the fuzzer's report, and the input that failed is saved
# under the package's testdata/fuzz/<target>/ (commit it as a regression
# seed with the fix). Run one target longer by hand, e.g.:
#   go test ./configs -run '^$' -fuzz '^FuzzLoad$' -fuzztime 10m
set -uo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-10s}"
targets=(
  "./configs FuzzLoad"
  "./connectors/slack FuzzEventsAPI"
  "./connectors/slack FuzzInteraction"
  "./connectors/jira FuzzJiraDecode"
  "./connectors/googleads FuzzDecode"
  "./connectors/google FuzzServiceAccountKey"
  "./connectors/jira/jirafake FuzzJQL"
  "./connectors/googleads/googleadsfake FuzzParseQuery"
)

failed=0
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  log=$(mktemp)
  start=$(date +%s)
  # Minimizing a new interesting input can take long on big seeds (the
  # example config); a short bound keeps the run's time predictable.
  if go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s >"$log" 2>&1; then
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    echo "$name ($pkg): ${execs:-0} inputs in $fuzztime, no failure ($(( $(date +%s) - start ))s with the build)"
  else
    cat "$log"
    echo "$name ($pkg) FAILED: the input is saved under $pkg/testdata/fuzz/$name/"
    failed=1
  fi
  rm -f "$log"
done
exit "$failed"
