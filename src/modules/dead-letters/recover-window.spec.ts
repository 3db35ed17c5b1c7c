import { recoverWindow } from './recover-window';

const now = new Date('2026-11-29T10:00:00Z');

describe('recoverWindow', () => {
  it('defaults until to now', () => {
    expect(recoverWindow('2026-11-28T10:00:00Z', undefined, now)).toEqual({ ok: true, since: new Date('2026-11-28T10:00:00Z'), until: now });
  });

  it('accepts exactly 14 days back and refuses a millisecond more', () => {
    expect(recoverWindow('2026-11-15T10:00:00Z', undefined, now)).toHaveProperty('ok', true);
    expect(recoverWindow('2026-11-15T09:59:59.999Z', undefined, now)).toEqual({ ok: false, errors: { since: ['since must be within the last 14 days'] } });
  });

  it('refuses until before since and a future since', () => {
    expect(recoverWindow('2026-11-28T10:00:00Z', '2026-11-28T09:00:00Z', now)).toEqual({ ok: false, errors: { until: ['until must not be before since'] } });
    expect(recoverWindow('2026-11-30T10:00:00Z', undefined, now)).toHaveProperty('errors.since', ['since must not be in the future']);
  });

  it('caps a future until at now, so later deaths are not part of the request', () => {
    expect(recoverWindow('2026-11-28T10:00:00Z', '2026-12-01T00:00:00Z', now)).toEqual({ ok: true, since: new Date('2026-11-28T10:00:00Z'), until: now });
  });
});
