import { AppError } from '../errors/app-error';
import { decodeCursor, encodeCursor } from './cursor';

describe('cursor codec', () => {
  it('round-trips a position', () => {
    const p = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '0190f0e2-1111-7000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(p))).toEqual(p);
  });
  const crafted = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  it.each([
    '',
    'garbage',
    crafted(['nope', 'x']),
    crafted({}),
    // regressions: each of these reached SQL and answered 500
    crafted(['2026-01-02T03:04:05.678Z', '------------------------------------']),
    crafted(['2026-01-02T03:04:05.678Z', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz']),
    crafted(['-100000-01-01T00:00:00Z', '0190f0e2-1111-7000-8000-000000000001']),
    crafted(['+200000-01-01T00:00:00Z', '0190f0e2-1111-7000-8000-000000000001']),
    crafted([0, '0190f0e2-1111-7000-8000-000000000001']),
  ])(
    'turns %p into a validation error',
    (c) => {
      expect(() => decodeCursor(c)).toThrow(AppError);
    },
  );
});
