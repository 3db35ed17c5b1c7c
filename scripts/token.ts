/**
 * Mints a development JWT with the configured JWT_SECRET (and issuer/audience when set). `--help` for usage.
 */
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../src/common/auth/jwt.strategy';
import { Role, ROLES } from '../src/common/auth/principal';
import { signToken } from '../src/common/auth/token-issuer';
import { loadEnv } from '../src/config/load-env';
import { dataSourceOptions } from '../src/database/data-source-options';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { TenantsService } from '../src/modules/tenants/tenants.service';

const USAGE = `Mints a development JWT signed with JWT_SECRET (from .env or the environment).

  npm run -s token -- --tenant <id or slug> [--role viewer|editor|admin] [--sub name] [--ttl seconds]
  npm run -s token -- --role admin                 a platform admin (no tenant; acts in one with X-Tenant-Id)

  --tenant  the tenant's id or slug; it must exist in DATABASE_URL's database
  --role    viewer (read-only), editor (read/write in its tenant, the default) or admin (platform-wide)
  --sub     the token's subject (default dev-user)
  --ttl     lifetime in seconds (default 3600)

Prints only the token, so it can be captured: TOKEN=$(npm run -s token -- --tenant acme)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(1);
}

function args() {
  try {
    return parseArgs({
      options: {
        tenant: { type: 'string' },
        role: { type: 'string', default: 'editor' },
        sub: { type: 'string', default: 'dev-user' },
        ttl: { type: 'string', default: '3600' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    fail((e as Error).message);
  }
}

/** The tenant's id, looked up by id or slug through the tenants module; exits when there is no such tenant. */
async function resolveTenant(databaseUrl: string, idOrSlug: string): Promise<string> {
  const ds = await new DataSource({ ...dataSourceOptions(databaseUrl), entities: [Tenant] }).initialize();
  try {
    const tenant = await new TenantsService(ds.getRepository(Tenant)).findByIdOrSlug(idOrSlug);
    if (!tenant) fail(`No tenant "${idOrSlug}" in ${new URL(databaseUrl).pathname.slice(1)} (create one with POST /api/tenants or npm run seed)`);
    return tenant.id;
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  const values = args();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const role = values.role as Role;
  if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
  if (!values.tenant && role !== 'admin') fail('--tenant <id or slug> is required unless --role admin');
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_LIFETIME_SECONDS) fail(`--ttl must be 1..${MAX_TOKEN_LIFETIME_SECONDS} seconds (longer tokens are refused)`);
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
  } catch (e) {
    fail(`${(e as Error).message} (run npm start once to write .env, or export the variables)`);
  }
  if (!env.JWT_SECRET) fail('JWT_SECRET is not set (JWKS deployments get tokens from their identity provider)');
  const tenantId = values.tenant ? await resolveTenant(env.DATABASE_URL, values.tenant) : null;
  console.log(
    signToken(env.JWT_SECRET, { subject: values.sub as string, tenantId, roles: [role], ttlSeconds: ttl }, { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
