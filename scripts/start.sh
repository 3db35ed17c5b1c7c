#!/usr/bin/env bash
# Starts Send Engine on this machine: installs dependencies, writes .env from .env.example on first run,
# builds, creates and migrates the database (DB_MIGRATE), and serves on $PORT (default 3000).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install, not npm ci: the lock cannot list @swc/core binaries for other platforms here, which npm ci rejects
  npm install --no-audit --no-fund --prefer-offline
fi
[ -f .env ] || { cp .env.example .env; echo "wrote .env from .env.example (development defaults)"; }
npx nest build
npx vite build --config console/vite.config.ts --logLevel warn
exec node dist/src/main.js
