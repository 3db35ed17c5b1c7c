/**
 * Mints a development JWT with the configured JWT_SECRET (and issuer/audience when set).
 *   npm run token -- --tenant <uuid> --role editor [--sub me] [--ttl 3600]
 *   npm run token -- --role admin              (platform admin, no tenant)
 */
import { parseArgs } from 'node:util';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../src/common/auth/jwt.strategy';
import { Role, ROLES } from '../src/common/auth/principal';
import { signToken } from '../src/common/auth/token-issuer';
import { loadEnv } from '../src/config/load-env';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    role: { type: 'string', default: 'editor' },
    sub: { type: 'string', default: 'dev-user' },
    ttl: { type: 'string', default: '3600' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const role = values.role as Role;
if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
if (!values.tenant && role !== 'admin') fail('--tenant <uuid> is required unless --role admin');
let env: ReturnType<typeof loadEnv>;
try {
  env = loadEnv();
} catch (e) {
  fail(`${(e as Error).message} (run npm start once to write .env, or export the variables)`);
}
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_LIFETIME_SECONDS) fail(`--ttl must be 1..${MAX_TOKEN_LIFETIME_SECONDS} seconds (longer tokens are refused)`);
if (!env.JWT_SECRET) fail('JWT_SECRET is not set (JWKS deployments get tokens from their identity provider)');

console.log(
  signToken(
    env.JWT_SECRET,
    { subject: values.sub as string, tenantId: values.tenant ?? null, roles: [role], ttlSeconds: ttl },
    { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
  ),
);
