import { LocalLanes } from './local-lanes';

describe('LocalLanes', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('grants up to the limit per lane at once, lanes independent', async () => {
    const lanes = new LocalLanes(2);
    await expect(Promise.all([lanes.acquire('a', 0), lanes.acquire('a', 0), lanes.acquire('b', 0)])).resolves.toEqual([true, true, true]);
    expect(lanes.held('a')).toBe(2);
    expect(lanes.held('b')).toBe(1);
  });

  it('wakes waiters in arrival order on release, handing the slot over', async () => {
    const lanes = new LocalLanes(1);
    await lanes.acquire('a', 100);
    const order: number[] = [];
    const second = lanes.acquire('a', 1000).then((ok) => (order.push(2), ok));
    const third = lanes.acquire('a', 1000).then((ok) => (order.push(3), ok));
    lanes.release('a');
    await expect(second).resolves.toBe(true);
    expect(lanes.held('a')).toBe(1);
    lanes.release('a');
    await expect(third).resolves.toBe(true);
    expect(order).toEqual([2, 3]);
    lanes.release('a');
    expect(lanes.held('a')).toBe(0);
  });

  it('gives up after waitMs and leaves the queue, so a later release does not count it', async () => {
    const lanes = new LocalLanes(1);
    await lanes.acquire('a', 0);
    const late = lanes.acquire('a', 50);
    jest.advanceTimersByTime(50);
    await expect(late).resolves.toBe(false);
    const next = lanes.acquire('a', 1000);
    lanes.release('a');
    await expect(next).resolves.toBe(true);
    lanes.release('a');
    expect(lanes.held('a')).toBe(0);
  });

  it('ignores a release of an idle lane', () => {
    const lanes = new LocalLanes(1);
    lanes.release('nobody');
    expect(lanes.held('nobody')).toBe(0);
  });
});
