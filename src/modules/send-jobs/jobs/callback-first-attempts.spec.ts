import { DeliveryAttemptRunner } from '../../deliveries/delivery-attempt.runner';
import { CallbackFirstAttempts, splitByCapacity } from './callback-first-attempts';
import { JobCompletion } from './job-completion';

describe('splitByCapacity', () => {
  it('attempts in process up to the limit and queues the rest, in order', () => {
    expect(splitByCapacity(['a', 'b', 'c'], 30, 32)).toEqual({ now: ['a', 'b'], queued: ['c'] });
    expect(splitByCapacity(['a'], 0, 32)).toEqual({ now: ['a'], queued: [] });
    expect(splitByCapacity(['a', 'b'], 40, 32)).toEqual({ now: [], queued: ['a', 'b'] });
  });
});

describe('CallbackFirstAttempts', () => {
  const flush = () => new Promise((r) => setImmediate(r));

  function setUp(run: (id: string) => Promise<string>) {
    const runner = { run: jest.fn(({ deliveryId }: { deliveryId: string }) => run(deliveryId)) };
    const completion = { enqueue: jest.fn(async () => undefined) };
    const attempts = new CallbackFirstAttempts(runner as unknown as DeliveryAttemptRunner, completion as unknown as JobCompletion);
    return { runner, completion, attempts };
  }

  it('runs attempt 1 of each callback in process, without a queue job', async () => {
    const { runner, completion, attempts } = setUp(async () => 'sent');
    await attempts.start(['d1', null, 'd2']);
    await flush();
    expect(runner.run.mock.calls.map(([job]) => job)).toEqual([{ deliveryId: 'd1', attempt: 1 }, { deliveryId: 'd2', attempt: 1 }]);
    expect(completion.enqueue).toHaveBeenCalledWith([]);
  });

  it('queues an attempt that threw (no double POST: a queued run of a recorded attempt is stale)', async () => {
    const { completion, attempts } = setUp(async (id) => {
      if (id === 'd2') throw new Error('redis down');
      return 'sent';
    });
    await attempts.start(['d1', 'd2']);
    await flush();
    expect(completion.enqueue).toHaveBeenLastCalledWith(['d2']);
  });

  it('queues first attempts beyond the delivery concurrency while attempts are in flight', async () => {
    const pending: (() => void)[] = [];
    const { runner, completion, attempts } = setUp(() => new Promise((resolve) => pending.push(() => resolve('sent'))));
    const ids = Array.from({ length: 40 }, (_, i) => `d${i}`);
    await attempts.start(ids);
    expect(runner.run).toHaveBeenCalledTimes(32);
    expect(completion.enqueue).toHaveBeenCalledWith(ids.slice(32));
    pending.forEach((done) => done());
    await flush();
    await attempts.start(['next']);
    expect(runner.run).toHaveBeenLastCalledWith({ deliveryId: 'next', attempt: 1 });
  });
});
