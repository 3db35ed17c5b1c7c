#!/usr/bin/env bash
# Starts Send Engine on this machine: installs dependencies, writes .env from .env.example on first run,
# builds, creates and migrates the database (DB_MIGRATE), and serves on $PORT (default 3000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
[ -f .env ] || { cp .env.example .env; echo "wrote .env from .env.example (development defaults)"; }
echo "building (nest build, console)…"; npx nest build
npx vite build --config console/vite.config.ts --logLevel warn
exec node --max-semi-space-size=64 --no-deprecation dist/src/main.js  # see docker/Dockerfile for both flags
