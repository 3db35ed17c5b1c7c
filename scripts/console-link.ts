/**
 * Prints a one-time console link for a tenant, through the same service as POST /api/tenants/{id}/console-links.
 *   npm run console-link -- --tenant <slug or id> [--role viewer|editor]
 */
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { loadEnv } from '../src/config/load-env';
import { AppModule } from '../src/app.module';
import { CONSOLE_ROLES, ConsoleRole } from '../src/modules/console/console-link.entity';
import { ConsoleService } from '../src/modules/console/console.service';
import { TenantsService } from '../src/modules/tenants/tenants.service';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tenant: { type: 'string' }, role: { type: 'string', default: 'editor' } } });
  if (!values.tenant) throw new Error('usage: npm run console-link -- --tenant <slug or id> [--role viewer|editor]');
  const role = values.role as ConsoleRole;
  if (!CONSOLE_ROLES.includes(role)) throw new Error(`--role must be one of ${CONSOLE_ROLES.join(', ')}`);
  const env = loadEnv({ APP_ROLE: 'api', LOG_LEVEL: 'warn' });
  const app = await NestFactory.createApplicationContext(AppModule.register(env), { logger: ['error'] });
  try {
    const tenant = await app.get(TenantsService).findByIdOrSlug(values.tenant);
    if (!tenant) throw new Error(`No tenant ${values.tenant}`);
    const link = await app
      .get(ConsoleService)
      .createLink({ kind: 'user', subject: 'console-link-script', tenantId: null, roles: ['admin'] }, tenant.id, { role });
    console.log(link.url);
    console.error(`${role} link for ${tenant.name}; opens once, before ${link.expires_at}`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
