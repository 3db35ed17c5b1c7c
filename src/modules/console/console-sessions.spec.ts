import { ConsoleLinksRepository } from './console-links.repository';
import { ConsoleSessions, REVOCATION_CACHE_MS } from './console-sessions';

function sessions() {
  const revoked = new Set<string>();
  const links = {
    isRevoked: jest.fn(async (id: string) => revoked.has(id)),
    revoke: jest.fn(async (id: string) => void revoked.add(id)),
    revokeTenant: jest.fn(async () => {
      for (const id of ['s1', 's2']) revoked.add(id);
      return 2;
    }),
  };
  return { links, revoked, s: new ConsoleSessions(links as unknown as ConsoleLinksRepository) };
}

describe('ConsoleSessions', () => {
  let now = 1_000_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());

  it('reuses a "not revoked" answer for REVOCATION_CACHE_MS, then asks again', async () => {
    const { s, links, revoked } = sessions();
    expect(await s.isRevoked('s1')).toBe(false);
    revoked.add('s1'); // revoked by another process
    now += REVOCATION_CACHE_MS - 1;
    expect(await s.isRevoked('s1')).toBe(false);
    expect(links.isRevoked).toHaveBeenCalledTimes(1);
    now += 1;
    expect(await s.isRevoked('s1')).toBe(true);
    expect(links.isRevoked).toHaveBeenCalledTimes(2);
  });

  it('a logout in this process takes effect at once, cached or not', async () => {
    const { s } = sessions();
    expect(await s.isRevoked('s1')).toBe(false);
    await s.revoke('s1');
    expect(await s.isRevoked('s1')).toBe(true);
  });

  it('a tenant-wide revocation forgets every cached answer', async () => {
    const { s } = sessions();
    expect(await s.isRevoked('s1')).toBe(false);
    expect(await s.isRevoked('s2')).toBe(false);
    expect(await s.revokeTenant('t')).toBe(2);
    expect([await s.isRevoked('s1'), await s.isRevoked('s2')]).toEqual([true, true]);
  });

  it('never caches a revoked answer as valid', async () => {
    const { s, links, revoked } = sessions();
    revoked.add('s1');
    expect(await s.isRevoked('s1')).toBe(true);
    expect(await s.isRevoked('s1')).toBe(true);
    expect(links.isRevoked).toHaveBeenCalledTimes(2);
  });
});
