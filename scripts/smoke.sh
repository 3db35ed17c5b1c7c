#!/usr/bin/env bash
# Smoke test of the built service (part of npm test): starts dist/src/main.js on a spare port against a fresh
# database, Redis key prefix and mail folder; lints its /docs-json with the OpenAPI ruleset (.spectral.yaml);
# runs `npm run demo` against it and checks the .eml files; cleans up.
# DEMO_SUBSCRIBERS (default 1000) keeps it fast; the demo's own default is 5,000.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_admin=${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
run="se_demo_$(date +%s)_$RANDOM"
tmp=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
count=${DEMO_SUBSCRIBERS:-1000}

export NODE_ENV=development LOG_LEVEL=warn PORT="$port" APP_ROLE=all DB_MIGRATE=true \
  DATABASE_URL="${pg_admin%/*}/$run" REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}" REDIS_KEY_PREFIX="$run" \
  JWT_SECRET="$(node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")" \
  APP_ENCRYPTION_KEY="$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")" \
  SES_EVENTS_HMAC_SECRET="$(node -e "console.log(require('crypto').randomBytes(24).toString('hex'))")" \
  WEBHOOK_ALLOW_HTTP=true WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8 MAIL_TRANSPORT=file MAIL_FILE_DIR="$tmp/mail" \
  PUBLIC_BASE_URL="http://127.0.0.1:$port"

cleanup() {
  [ -n "${svc:-}" ] && kill "$svc" 2>/dev/null && wait "$svc" 2>/dev/null || true
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS \"$run\" WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$run:*" | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

npx nest build
node dist/src/main.js > "$tmp/service.log" 2>&1 &
svc=$!
start=$(date +%s%N)
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
  kill -0 "$svc" 2>/dev/null || { cat "$tmp/service.log"; echo "the service exited before it was ready"; exit 1; }
  sleep 0.25
done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$tmp/service.log"; echo "not ready after 60 s"; exit 1; }
echo "service ready on :$port in $(( ($(date +%s%N) - start) / 1000000 )) ms (fresh database $run)"

echo "== OpenAPI lint (.spectral.yaml) of /docs-json"
curl -sf "http://127.0.0.1:$port/docs-json" > "$tmp/openapi.json"
npx spectral lint "$tmp/openapi.json" --ruleset .spectral.yaml --fail-severity=warn

echo "== npm run demo -- --subscribers $count"
npx ts-node -T scripts/demo.ts --subscribers "$count" --url "http://127.0.0.1:$port" || { echo "--- service log"; cat "$tmp/service.log"; exit 1; }
files=$(find "$tmp/mail" -name '*.eml' | wc -l)
[ "$files" -eq "$count" ] || { echo "expected $count .eml files, found $files"; exit 1; }
echo "demo smoke: $files emails written as .eml files"
