import { AppError } from '../errors/app-error';
import { decodeCursor, encodeCursor } from './cursor';

describe('cursor codec', () => {
  it('round-trips a position', () => {
    const p = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '0190f0e2-1111-7000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(p))).toEqual(p);
  });
  it.each(['', 'garbage', Buffer.from('["nope","x"]').toString('base64url'), Buffer.from('{}').toString('base64url')])(
    'turns %p into a validation error',
    (c) => {
      expect(() => decodeCursor(c)).toThrow(AppError);
    },
  );
});
