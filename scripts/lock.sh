#!/usr/bin/env bash
# Regenerates package-lock.json so that `npm ci` accepts it on every platform. Run it after changing
# package.json (adding, removing or bumping a dependency), then commit both files.
#
# Why a script: npm writes a lock from the node_modules it finds, and a node_modules installed on one platform
# holds only that platform's optional binaries (@swc/core-*, @msgpackr-extract/*, resolver bindings), so the
# lock loses the others and `npm ci` elsewhere refuses it ("Missing: @swc/core-darwin-arm64 … from lock file").
# Resolving in an empty folder (package.json + lock, no node_modules) records every platform's optional
# packages and keeps every version the current lock already pins.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp package.json "$tmp/"
[ -f package-lock.json ] && cp package-lock.json "$tmp/"
(cd "$tmp" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error)
# The proof: npm ci accepts it (a dry run checks the lock against package.json without installing).
(cd "$tmp" && npm ci --dry-run --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
if cmp -s "$tmp/package-lock.json" package-lock.json; then
  echo "package-lock.json is up to date"
else
  cp "$tmp/package-lock.json" package-lock.json
  echo "package-lock.json regenerated (commit it with package.json)"
fi
