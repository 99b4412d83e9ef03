#!/usr/bin/env bash
# go test -race over every package whose code or tests start goroutines or
# share memory between them (go statements, sync, sync/atomic, channels).
# Pure packages (the rules, the config model) have nothing to race and are
# left out, which saves compiling them a second time with instrumentation.
# The selection is made from the source on every run, so a package that
# gains a goroutine is checked from then on.
set -euo pipefail
cd "$(dirname "$0")/.."

pattern='(^|[[:space:]])go (func|[A-Za-z_][A-Za-z0-9_.]*\()|\.Go\(func|"sync"|"sync/atomic"|chan[[:space:]<]|<-'
dirs=$(git ls-files '*.go' | xargs grep -lE "$pattern" | xargs -n1 dirname | sort -u)
pkgs=()
for d in $dirs; do
  pkgs+=("./$d")
done
echo "${#pkgs[@]} packages: ${pkgs[*]}"
start=$(date +%s)
go test -race -count=1 -timeout 20m "${pkgs[@]}"
echo "race detector: ${#pkgs[@]} packages clean in $(( $(date +%s) - start ))s"
