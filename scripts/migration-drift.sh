#!/usr/bin/env bash
# Fails when entities and migrations disagree: migrates a scratch database, then asks TypeORM whether
# `migration:generate` would write anything.
set -euo pipefail
cd "$(dirname "$0")/.."
admin="${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db="se_drift_$$"
url="${admin%/*}/$db"
psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
cli="npx typeorm-ts-node-commonjs -d src/database/cli-data-source.ts"
DATABASE_URL="$url" $cli migration:run >/dev/null
if ! DATABASE_URL="$url" $cli migration:generate migrations/Drift --check >/tmp/se-drift.log 2>&1; then
  cat /tmp/se-drift.log >&2
  echo "Entities and migrations have drifted: run npm run migration:generate -- <Name>" >&2
  exit 1
fi
echo "no drift"
