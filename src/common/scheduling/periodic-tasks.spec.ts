import { RedisService } from '../redis/redis.module';
import { PeriodicTasks, periodicTiming } from './periodic-tasks';

/** A Redis whose SET NX PX honours expiry on Jest's fake clock. */
function fakeRedis(): { redis: RedisService; locks: Map<string, number> } {
  const locks = new Map<string, number>();
  const client = {
    set: jest.fn(async (key: string, _value: string, _px: 'PX', ms: number, _nx: 'NX') => {
      const until = locks.get(key);
      if (until !== undefined && until > Date.now()) return null;
      locks.set(key, Date.now() + ms);
      return 'OK';
    }),
  };
  return { redis: { client, key: (...parts: string[]) => ['se', ...parts].join(':') } as unknown as RedisService, locks };
}

/** Lets the promise chains of ticks settle between timer advances. */
async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe('periodicTiming', () => {
  it('checks short periods every period, long ones every 15 s, with a lock a little shorter than the period', () => {
    expect(periodicTiming(1000)).toEqual({ checkMs: 1000, lockMs: 900 });
    expect(periodicTiming(15_000)).toEqual({ checkMs: 15_000, lockMs: 14_000 });
    expect(periodicTiming(3_600_000)).toEqual({ checkMs: 15_000, lockMs: 3_599_000 });
  });
});

describe('PeriodicTasks', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs at boot and once per period', async () => {
    const { redis } = fakeRedis();
    const tasks = new PeriodicTasks(redis);
    const run = jest.fn(async () => undefined);
    tasks.schedule({ name: 'job', everyMs: 1000, run });
    await advance(0);
    expect(run).toHaveBeenCalledTimes(1);
    await advance(3000);
    expect(run).toHaveBeenCalledTimes(4);
    tasks.onApplicationShutdown();
    await advance(5000);
    expect(run).toHaveBeenCalledTimes(4);
  });

  it('lets one of several processes run each period', async () => {
    const { redis } = fakeRedis();
    const a = jest.fn(async () => undefined);
    const b = jest.fn(async () => undefined);
    const pa = new PeriodicTasks(redis);
    const pb = new PeriodicTasks(redis);
    pa.schedule({ name: 'job', everyMs: 60_000, run: a });
    pb.schedule({ name: 'job', everyMs: 60_000, run: b });
    await advance(10 * 60_000);
    expect(a.mock.calls.length + b.mock.calls.length).toBe(10 + 1);
    pa.onApplicationShutdown();
    pb.onApplicationShutdown();
  });

  it('takes over within a check interval when the holder is gone', async () => {
    const { redis, locks } = fakeRedis();
    locks.set('se:periodic:job', Date.now() + 3_599_000); // a process that died just after taking the lock
    const run = jest.fn(async () => undefined);
    const tasks = new PeriodicTasks(redis);
    tasks.schedule({ name: 'job', everyMs: 3_600_000, run });
    await advance(3_599_000 - 1);
    expect(run).not.toHaveBeenCalled();
    await advance(15_000);
    expect(run).toHaveBeenCalledTimes(1);
    tasks.onApplicationShutdown();
  });

  it('never overlaps a run still in progress, and keeps going after a failure', async () => {
    const { redis } = fakeRedis();
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const run = jest.fn(async () => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 2500));
      active--;
      if (calls === 1) throw new Error('boom');
    });
    const tasks = new PeriodicTasks(redis);
    tasks.schedule({ name: 'slow', everyMs: 1000, run });
    await advance(10_000);
    expect(maxActive).toBe(1);
    expect(calls).toBeGreaterThan(2);
    tasks.onApplicationShutdown();
  });

  it('survives Redis being unreachable', async () => {
    const redis = { client: { set: jest.fn().mockRejectedValue(new Error('down')) }, key: () => 'k' } as unknown as RedisService;
    const run = jest.fn(async () => undefined);
    const tasks = new PeriodicTasks(redis);
    tasks.schedule({ name: 'job', everyMs: 1000, run });
    await advance(3000);
    expect(run).not.toHaveBeenCalled();
    expect(redis.client.set).toHaveBeenCalledTimes(4);
    tasks.onApplicationShutdown();
  });
});
