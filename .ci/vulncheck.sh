#!/usr/bin/env bash
# govulncheck over the whole module with a vulnerability database built from
# the Go module proxy, since vuln.go.dev is not reachable from CI.
#
# The Go vulnerability database's source, golang.org/x/vulndb, is a module
# the proxy serves; its data/osv directory holds every report as OSV JSON,
# and its cmd/indexdb turns that directory into the layout `govulncheck -db
# file://...` reads (index/db.json, index/modules.json, ID/GO-....json): the
# same build vuln.go.dev publishes. The database is as fresh as the vulndb
# commit the proxy knows as latest; its date is printed. Pin one with
# VULNDB_VERSION=v0.0.0-... to reproduce a run. govulncheck exits non-zero
# when the code calls a vulnerable function.
set -euo pipefail
cd "$(dirname "$0")/.."

govulncheck_version="${GOVULNCHECK_VERSION:-v1.9.0}"
vulndb_version="${VULNDB_VERSION:-latest}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The tools are built outside this module: its -mod=readonly does not apply.
tools() { (cd "$work" && GOFLAGS= "$@"); }

read -r version time < <(tools go list -m -f '{{.Version}} {{.Time}}' "golang.org/x/vulndb@$vulndb_version")
echo "vulnerability database: golang.org/x/vulndb@$version (committed $time)"
src=$(tools go mod download -json "golang.org/x/vulndb@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[ -d "$src/data/osv" ] || { echo "golang.org/x/vulndb@$version has no data/osv directory"; exit 1; }
echo "$(ls "$src/data/osv" | wc -l) reports"
tools go run "golang.org/x/vulndb/cmd/indexdb@$version" -vulns "$src/data/osv" -out "$work/db"

tools env GOBIN="$work/bin" go install "golang.org/x/vuln/cmd/govulncheck@$govulncheck_version"

# The standard library is checked as the image builds it: the Dockerfile's
# golang:1.26 builder is the newest patch release of this Go minor, which
# the proxy also serves as a toolchain module (golang.org/toolchain).
mine=$(go env GOVERSION)
minor=$(sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/' <<<"$mine")
platform="$(go env GOOS)-$(go env GOARCH)"
newest=$(tools go list -m -versions golang.org/toolchain | tr ' ' '\n' |
  sed -n "s/^v0\.0\.1-\(${minor//./\\.}\.[0-9]*\)\.${platform}\$/\1/p" | sort -V | tail -n 1)
newest="${newest:-$mine}"
echo "standard library: $newest (the newest $minor release); this machine's toolchain is $mine"
if [ "$newest" != "$mine" ]; then
  echo "note: $mine is older than $newest; its standard library has fixes missing: upgrade Go where you build by hand"
fi
GOTOOLCHAIN="$newest" "$work/bin/govulncheck" -db "file://$work/db" ./...
