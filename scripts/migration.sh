#!/usr/bin/env bash
# TypeORM migration commands over the one CLI data source. Usage: migration.sh generate|run|revert [Name]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .env ] && set -a && . ./.env && set +a
cli="npx typeorm-ts-node-commonjs -d src/database/cli-data-source.ts"
case "${1:-}" in
  generate) $cli migration:generate "migrations/${2:?usage: npm run migration:generate -- Name}" --pretty ;;
  run) $cli migration:run ;;
  revert) $cli migration:revert ;;


  *) echo "usage: $0 generate <Name>|run|revert" >&2; exit 2 ;;
esac
