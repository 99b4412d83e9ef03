#!/usr/bin/env bash
# Runs the README's "Quick start" section as written, with a built binary in
# place of `go run ./cmd/liaison`, in a scratch directory, so that the first
# thing a reader does cannot silently break. Two lines are run differently
# from a terminal, and say so: `go test ./...` (CI runs it right after) and
# the daemon (`liaison run`), which is started, probed and stopped.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

work="$(mktemp -d)"
bin="$work/bin/liaison"
sandbox_pid=""
daemon_pid=""
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null || true
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== quick start: building the binary"
(cd "$repo" && CGO_ENABLED=0 go build -o "$bin" ./cmd/liaison)

# The shell lines of the README's Quick start section, comments dropped.
commands="$(awk '
  /^## / { in_section = ($0 == "## Quick start") }
  in_section && /^```sh$/ { in_block = 1; next }
  in_block && /^```$/ { in_block = 0; next }
  in_section && in_block { print }
' "$repo/README.md" | sed -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d')"
if [ -z "$commands" ]; then
  echo "quick start: no commands found in README.md"; exit 1
fi

mkdir -p "$work/run" && cd "$work/run"
while IFS= read -r line; do
  cmd="${line//go run .\/cmd\/liaison/$bin}"
  echo "\$ $line"
  case "$line" in
    "go test ./..."*)
      echo "(CI runs the tests itself, after this script)" ;;
    *"cmd/liaison run "*)
      $cmd >daemon.log 2>&1 &
      daemon_pid=$!
      for _ in $(seq 1 100); do
        if curl -fsS localhost:9090/healthz >/dev/null 2>&1; then break; fi
        sleep 0.2
      done
      curl -fsS localhost:9090/healthz
      curl -sS localhost:9090/readyz
      kill -TERM "$daemon_pid"
      wait "$daemon_pid"
      daemon_pid=""
      echo "(daemon started, answered /healthz and stopped on SIGTERM)" ;;
    *)
      out="$(eval "$cmd" 2>&1)" || { echo "$out"; echo "quick start: failed: $line"; exit 1; }
      # Not `echo "$out" | head`: head exits after 20 lines, and an echo
      # still writing a long output then dies of SIGPIPE, which pipefail
      # turns into a failed quick start.
      head -n 20 <<<"$out"
      if pid="$(echo "$out" | sed -n 's/.*running in the background as pid \([0-9]*\).*/\1/p')" && [ -n "$pid" ]; then
        sandbox_pid="$pid"
      fi ;;
  esac
done <<<"$commands"
echo "== quick start: ok"
