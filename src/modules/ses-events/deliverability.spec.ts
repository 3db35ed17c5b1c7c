import { rateStatus, rateWindow } from './deliverability';

describe('deliverability', () => {
  it('grades a rate against its threshold', () => {
    expect(rateStatus(null, 0.05)).toBe('unknown');
    expect(rateStatus(0.01, 0.05)).toBe('ok');
    expect(rateStatus(0.025, 0.05)).toBe('warning');
    expect(rateStatus(0.05, 0.05)).toBe('review');
  });

  it('divides hard bounces and complaints by recorded sends, and has no rate without sends', () => {
    const since = new Date('2026-11-21T00:00:00.000Z');
    expect(rateWindow('24h', since, { sends: 1000, hardBounces: 60, softBounces: 9, complaints: 1 })).toMatchObject({
      bounce_rate: 0.06,
      bounce_status: 'review',
      complaint_rate: 0.001,
      complaint_status: 'review',
      soft_bounces: 9,
    });
    expect(rateWindow('7d', since, { sends: 0, hardBounces: 1, softBounces: 0, complaints: 0 })).toMatchObject({ bounce_rate: null, bounce_status: 'unknown' });
  });
});
