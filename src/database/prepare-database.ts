import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Any fixed 64-bit key; every process that migrates takes the same one. */
const MIGRATION_LOCK_KEY = 7_301_993_117;

/** Creates the database named in the URL when it is missing (development convenience); true when it did. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount !== 0) return false;
    return await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).then(
      () => true,
      (err: { code?: string }) => {
        if (err.code !== '42P04') throw err;
        return false; // another process created it first
      },
    );
  } finally {
    await client.end();
  }
}

/** Runs pending migrations while holding a Postgres advisory lock, so concurrent boots migrate once. */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const ds = new DataSource({ ...dataSourceOptions(databaseUrl), entities: [] });
    await ds.initialize();
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}
