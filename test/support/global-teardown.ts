import { withAdmin } from './database';

export default async function globalTeardown(): Promise<void> {
  const run = process.env.SE_TEST_RUN;
  if (!run) return;
  await withAdmin(async (c) => {
    const dbs = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${run}%`]);
    for (const { datname } of dbs.rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
