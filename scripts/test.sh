#!/usr/bin/env bash
# The whole suite, as CI runs it: install (if needed), lint, type-check, migration drift, unit and e2e tests,
# the OpenAPI lint and the demo against the built service.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
echo "== lint"; npx eslint --max-warnings 0 .
echo "== type-check"; npx tsc --noEmit -p tsconfig.json && npx tsc --noEmit -p console/tsconfig.json
echo "== migration drift"; bash scripts/migration-drift.sh
echo "== unit"; npx jest --config jest.config.js --selectProjects unit
echo "== console build"; npx vite build --config console/vite.config.ts --logLevel warn
echo "== e2e"; npx jest --config jest.config.js --selectProjects e2e --maxWorkers=2
echo "== smoke: the built service on a fresh database, OpenAPI lint, demo"; bash scripts/smoke.sh
