#!/usr/bin/env bash
# Installs dependencies exactly as package-lock.json pins them (npm ci), only when the lock changed since the
# last install, with a progress line. Never modifies the lock (a lock npm ci refuses fails here: run
# scripts/lock.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.installed-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

total=$(node -e 'const l=require("./package-lock.json");console.log(Object.keys(l.packages).filter(k=>k).length)')
echo "installing dependencies: npm ci, $total packages in the lock (about a minute on a fresh machine)"
start=$(date +%s)
# npm 11 prints no progress bar; its http log has one line per package tarball, which we count.
npm ci --no-audit --no-fund --loglevel=http 2>&1 | awk -v total="$total" -v tty="$([ -t 1 ] && echo 1 || echo 0)" '
  /^npm http fetch .*\/-\// { n++; if (tty) printf "\r  fetched %d / ~%d packages", n, total; else if (n % 100 == 0) printf "  fetched %d / ~%d packages\n", n, total; next }
  /^npm http/ { next }
  { if (tty) printf "\n"; print }
  END { if (tty) printf "\n" }'
test "${PIPESTATUS[0]}" -eq 0
echo "$want" > "$stamp"
echo "dependencies installed in $(( $(date +%s) - start )) s"
