/**
 * Creates a demo tenant through the service's own code paths and prints its credentials:
 * an editor JWT, an API key, a Member Center client id + secret and an empty list. Migrates first when DB_MIGRATE allows.
 *   npm run seed [-- --name "Demo Inc."]
 */
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { signToken } from '../src/common/auth/token-issuer';
import { loadEnv } from '../src/config/load-env';
import { ensureDatabase, runMigrations } from '../src/database/prepare-database';
import { AppModule } from '../src/app.module';
import { ListsService } from '../src/modules/subscribers/lists.service';
import { CredentialsService } from '../src/modules/tenants/credentials.service';
import { TenantsService } from '../src/modules/tenants/tenants.service';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { name: { type: 'string', default: `Demo ${new Date().toISOString().slice(0, 19)}` } } });
  const env = loadEnv({ APP_ROLE: 'api', LOG_LEVEL: 'warn' });
  if (!env.isProduction) await ensureDatabase(env.DATABASE_URL);
  if (env.migrateOnBoot) await runMigrations(env.DATABASE_URL);
  const app = await NestFactory.createApplicationContext(AppModule.register(env), { logger: ['error'] });
  try {
    const tenant = await app.get(TenantsService).create({ name: values.name as string });
    const credentials = app.get(CredentialsService);
    const apiKey = await credentials.createApiKey(tenant.id, { environment: 'test', name: 'seed' });
    const memberCenter = await credentials.createMemberCenterClient(tenant.id, {});
    const list = await app.get(ListsService).create(tenant.id, { name: 'Newsletter' });
    const jwt = signToken(env.JWT_SECRET as string, { subject: 'seed-user', tenantId: tenant.id, roles: ['editor'], ttlSeconds: 24 * 3600 }, { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE });
    console.log(JSON.stringify({
      tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug },
      editor_jwt: jwt,
      api_key: apiKey.key,
      member_center: { client_id: memberCenter.client_id, secret: memberCenter.secret },
      list: { id: list.id, name: list.name },
    }, null, 2));
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
