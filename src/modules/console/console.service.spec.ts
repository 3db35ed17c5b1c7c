import { Principal } from '../../common/auth/principal';
import { csrfTokenOf, openSession } from '../../common/auth/session-cookie';
import { sha256Hex } from '../../common/crypto/secrets';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { TenantsService } from '../tenants/tenants.service';
import { ConsoleLinksRepository, LinkState } from './console-links.repository';
import { ConsoleService, LINK_TTL_MS, SESSION_TTL_MS } from './console.service';
import { ConsoleSessions } from './console-sessions';

const TENANT = '019ad0a4-0000-7000-8000-000000000001';
const key = Buffer.alloc(32, 9);
const config = { PUBLIC_BASE_URL: 'https://engine.example/', NODE_ENV: 'production', encryptionKey: key } as unknown as AppConfig;
const tenants = { require: jest.fn(async (id: string) => ({ id, name: 'Acme' })) } as unknown as TenantsService;

function service(open: LinkState = null) {
  const links = {
    insert: jest.fn(async (row: object) => ({ id: 'link-1', ...row })),
    open: jest.fn(async () => open),
  };
  const repo = links as unknown as ConsoleLinksRepository;
  return { links, console: new ConsoleService(repo, new ConsoleSessions(repo), tenants, config) };
}
const user = (roles: Principal['roles'], tenantId: string | null = TENANT, kind: Principal['kind'] = 'user'): Principal => ({ kind, subject: 's', tenantId, roles });
async function failure(p: Promise<unknown>): Promise<AppError> {
  return p.then(() => { throw new Error('expected a failure'); }, (e: AppError) => e);
}

describe('ConsoleService', () => {
  it('mints a link whose token only the URL fragment carries; the row keeps its SHA-256', async () => {
    const { console, links } = service();
    const before = Date.now();
    const link = await console.createLink(user(['editor']), TENANT, { role: 'viewer' });
    const token = link.url.split('#/open/')[1];
    expect(link.url).toBe(`https://engine.example/console/#/open/${token}`);
    expect(links.insert).toHaveBeenCalledWith(expect.objectContaining({ tenantId: TENANT, role: 'viewer', tokenHash: sha256Hex(token) }));
    expect(new Date(link.expires_at).getTime()).toBeGreaterThanOrEqual(before + LINK_TTL_MS);
  });

  it('refuses another tenant (404, like an unknown one) and console sessions (403); admins may mint for any tenant', async () => {
    const { console } = service();
    expect((await failure(console.createLink(user(['editor'], 'another-tenant'), TENANT, {}))).status).toBe(404);
    expect((await failure(console.createLink(user(['editor'], TENANT, 'console_session'), TENANT, {}))).status).toBe(403);
    await expect(console.createLink(user(['admin'], null), TENANT, {})).resolves.toMatchObject({ role: 'editor' });
  });

  it('opens a link into a sealed session cookie for every console path, Secure in production', async () => {
    const { console } = service({ link: { id: 'link-1', tenantId: TENANT, role: 'editor' } as never, outcome: 'opened' });
    let cookies: string[] = [];
    const res = await console.open('t'.repeat(43), (c) => (cookies = c));
    expect(res).toMatchObject({ tenant_id: TENANT, tenant_name: 'Acme', role: 'editor', csrf_token: csrfTokenOf(key, 'link-1') });
    expect(cookies).toHaveLength(3);
    expect(cookies[0]).toMatch(new RegExp(`^se_console=[^;]+; Path=/console; Max-Age=${SESSION_TTL_MS / 1000}; HttpOnly; SameSite=Strict; Secure$`));
    expect(openSession(key, cookies[0].split(';')[0].slice('se_console='.length))).toMatchObject({ sid: 'link-1', tenantId: TENANT, role: 'editor' });
  });

  it.each([
    [null, 'link_invalid'],
    [{ link: {} as never, outcome: 'used' as const }, 'link_used'],
    [{ link: {} as never, outcome: 'expired' as const }, 'link_expired'],
  ])('refuses a link that is %j with 401 %s', async (state, reason) => {
    const err = await failure(service(state).console.open('t'.repeat(43), () => undefined));
    expect([err.status, err.options.reason]).toEqual([401, reason]);
  });
});
