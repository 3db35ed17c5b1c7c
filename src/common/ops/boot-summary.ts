import { resolve } from 'node:path';
import { Env } from '../../config/env';

/** What main.ts learned while preparing the database. */
export interface BootFacts {
  databaseCreated: boolean;
  migrationsApplied: string[] | null; // null: migrations not run at boot (DB_MIGRATE=false)
}

/** A URL without its password, for logs. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Where the configured transport sends mail, in words. */
function mailDestination(env: Env): string {
  switch (env.MAIL_TRANSPORT) {
    case 'file':
      return `file: .eml files in ${resolve(env.MAIL_FILE_DIR)}`;
    case 'smtp':
      return `smtp: ${redactUrl(env.SMTP_URL ?? '')}`;
    case 'ses':
      return `ses: ${env.SES_ENDPOINT ? `emulator at ${env.SES_ENDPOINT}` : `Amazon SES ${env.SES_REGION}`}`;
  }
}

function migrations(facts: BootFacts): string {
  if (facts.migrationsApplied === null) return 'migrations not run at boot (DB_MIGRATE=false)';
  const n = facts.migrationsApplied.length;
  return n === 0 ? 'schema up to date' : `${n} migration${n === 1 ? '' : 's'} applied (last: ${facts.migrationsApplied[n - 1]})`;
}

/** The one block a person reads after `npm start`: where it listens, what it runs on, where mail goes. */
export function bootSummary(env: Env, facts: BootFacts): string {
  const base = `http://localhost:${env.PORT}`;
  const lines = [
    `Send Engine ${env.runsApi ? `listening on ${base}` : 'worker running (no HTTP)'} · role ${env.APP_ROLE} · ${env.NODE_ENV}`,
    `  database  ${redactUrl(env.DATABASE_URL)}${facts.databaseCreated ? ' (created now)' : ''} · ${migrations(facts)}`,
    `  redis     ${redactUrl(env.REDIS_URL)} · key prefix ${env.REDIS_KEY_PREFIX}`,
    `  mail      ${mailDestination(env)} · from ${env.MAIL_FROM}`,
  ];
  if (env.runsApi) lines.push(`  docs      ${base}/docs · queues ${base}/admin/queues · health ${base}/health/ready`);
  return lines.join('\n');
}
