import { reservationSize } from './send-job-runner';

describe('reservationSize', () => {
  it('reserves 8 messages per claim when unlimited', () => {
    expect(reservationSize(0)).toBe(8);
  });

  it('reserves one per 50/s of rate, at least 1 and at most 8', () => {
    expect([1, 49, 50, 120, 200, 399, 400, 10_000].map(reservationSize)).toEqual([1, 1, 1, 2, 4, 7, 8, 8]);
  });
});
