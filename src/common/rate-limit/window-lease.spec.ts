import { leaseSize, MAX_LEASE, WindowLease, WindowTake } from './window-lease';

/** A shared window in "Redis": every take adds its points, as the INCRBY does. */
function sharedWindow(ttlMs = 60_000) {
  const state = { count: 0, takes: 0 };
  const take: WindowTake = async (n) => {
    state.takes++;
    state.count += n;
    return { consumed: state.count, ttlMs };
  };
  return { state, take };
}

describe('leaseSize', () => {
  it('an eighth of what is left, 1..MAX_LEASE', () => {
    expect(leaseSize(5)).toBe(1);
    expect(leaseSize(80)).toBe(10);
    expect(leaseSize(10_000_000)).toBe(MAX_LEASE);
    expect(leaseSize(-3)).toBe(1);
  });
});

describe('WindowLease', () => {
  it('near the limit counts every request in Redis and refuses the one over it', async () => {
    const { state, take } = sharedWindow();
    const lease = new WindowLease();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await lease.consume(3, take, 1000));
    expect(answers.map((a) => [a.allowed, a.remainingPoints])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(state.takes).toBe(4);
  });

  it('with budget to spare leases ahead: one take serves many requests, remaining stays exact', async () => {
    const { state, take } = sharedWindow();
    const lease = new WindowLease();
    const remaining = [];
    for (let i = 0; i < 100; i++) remaining.push((await lease.consume(1000, take, 1000)).remainingPoints);
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => 999 - i));
    expect(state.takes).toBeLessThan(10);
  });

  it('never admits more than the limit across processes', async () => {
    const { take } = sharedWindow();
    const processes = [new WindowLease(), new WindowLease(), new WindowLease()];
    let allowed = 0;
    for (let i = 0; i < 900; i++) if ((await processes[i % 3].consume(500, take, 1000)).allowed) allowed++;
    expect(allowed).toBeLessThanOrEqual(500);
    expect(allowed).toBeGreaterThan(500 - 3 * MAX_LEASE);
  });

  it('drops what is left when the window ends', async () => {
    let count = 0;
    const take: WindowTake = async (n) => ({ consumed: (count += n), ttlMs: 60_000 });
    const lease = new WindowLease();
    await lease.consume(1000, take, 0);
    await lease.consume(1000, take, 0); // leases ahead
    count = 0; // Redis expired the key
    const next = await lease.consume(1000, take, 61_000);
    expect(next.allowed).toBe(true);
    expect(next.msBeforeNext).toBe(60_000);
    expect(next.remainingPoints).toBe(1000 - 1);
    expect(lease.expired(61_000 + 60_000)).toBe(true);
  });
});
