import { randomBytes } from 'node:crypto';
import { runMigrations } from '../../src/database/prepare-database';
import { databaseUrl, withAdmin } from './database';

/** Migrates one template database per run; each e2e file clones it. */
export default async function globalSetup(): Promise<void> {
  const run = `se_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const template = `${run}_tpl`;
  // Leftovers of runs that were killed before their teardown.
  await withAdmin(async (c) => {
    const old = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'se\\_test\\_%' AND datname NOT LIKE $1`,
      [`${run}%`],
    );
    for (const { datname } of old.rows) {
      const age = Date.now() - parseInt(datname.split('_')[2], 36);
      if (age > 2 * 3600_000) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await c.query(`CREATE DATABASE "${template}"`);
  });
  await runMigrations(databaseUrl(template));
  process.env.SE_TEST_RUN = run;
  process.env.SE_TEST_TEMPLATE_DB = template;
}
