import { Batcher } from './batcher';

/** A flush whose calls are recorded and released by the test. */
function controlledFlush() {
  const calls: { items: number[]; release: () => void }[] = [];
  const flush = (items: number[]) =>
    new Promise<number[]>((resolve) => calls.push({ items, release: () => resolve(items.map((n) => n * 10)) }));
  return { calls, flush };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('answers each caller with its own result, items of one turn in one flush', async () => {
    const flush = jest.fn(async (items: number[]) => items.map((n) => n * 2));
    const batcher = new Batcher(flush, { maxBatch: 100, maxConcurrent: 1 });
    await expect(Promise.all([1, 2, 3].map((n) => batcher.run(n)))).resolves.toEqual([2, 4, 6]);
    expect(flush).toHaveBeenCalledTimes(1);
    expect(flush).toHaveBeenCalledWith([1, 2, 3]);
  });

  it('collects what arrives while a flush is in flight into the next batch, up to maxBatch', async () => {
    const { calls, flush } = controlledFlush();
    const batcher = new Batcher(flush, { maxBatch: 2, maxConcurrent: 1 });
    const first = batcher.run(1);
    await turn();
    const later = [2, 3, 4].map((n) => batcher.run(n));
    await turn();
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    calls[0].release();
    await expect(first).resolves.toBe(10);
    await turn();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3]]);
    calls[1].release();
    await turn();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3], [4]]);
    calls[2].release();
    await expect(Promise.all(later)).resolves.toEqual([20, 30, 40]);
  });

  it('with lingerMs, waits that long before each flush so items of later turns join it', async () => {
    const { calls, flush } = controlledFlush();
    const batcher = new Batcher(flush, { maxBatch: 10, maxConcurrent: 1, lingerMs: 20 });
    const first = [1, 2].map((n) => batcher.run(n));
    await turn();
    const third = batcher.run(3);
    await turn();
    expect(calls).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
    const fourth = batcher.run(4);
    calls[0].release();
    await expect(Promise.all([...first, third])).resolves.toEqual([10, 20, 30]);
    await turn();
    expect(calls).toHaveLength(1); // the next flush lingers too
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3], [4]]);
    calls[1].release();
    await expect(fourth).resolves.toBe(40);
  });

  it('runs up to maxConcurrent flushes at once', async () => {
    const { calls, flush } = controlledFlush();
    const batcher = new Batcher(flush, { maxBatch: 1, maxConcurrent: 2 });
    const all = Promise.all([1, 2, 3].map((n) => batcher.run(n)));
    await turn();
    expect(calls).toHaveLength(2);
    calls.forEach((c) => c.release());
    await turn();
    await turn();
    expect(calls).toHaveLength(3);
    calls[2].release();
    await expect(all).resolves.toEqual([10, 20, 30]);
  });

  it('retries a failed batch item by item so only the bad item fails', async () => {
    const flush = jest.fn(async (items: number[]) => {
      if (items.includes(2)) throw new Error('bad item 2');
      return items.map(String);
    });
    const batcher = new Batcher(flush, { maxBatch: 10, maxConcurrent: 1 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.run(n)));
    expect(results).toEqual([
      { status: 'fulfilled', value: '1' },
      { status: 'rejected', reason: new Error('bad item 2') },
      { status: 'fulfilled', value: '3' },
    ]);
    expect(flush.mock.calls.map(([items]) => items)).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('retries the items of a failed batch side by side, not one after another', async () => {
    let inFlight = 0;
    let most = 0;
    const flush = async (items: number[]) => {
      most = Math.max(most, ++inFlight);
      await turn();
      inFlight--;
      if (items.length > 1) throw new Error('outage');
      return items;
    };
    const batcher = new Batcher(flush, { maxBatch: 10, maxConcurrent: 1 });
    await expect(Promise.all([1, 2, 3].map((n) => batcher.run(n)))).resolves.toEqual([1, 2, 3]);
    expect(most).toBe(3);
  });

  it('rejects when a flush answers the wrong number of results', async () => {
    const batcher = new Batcher(async () => [], { maxBatch: 10, maxConcurrent: 1 });
    await expect(batcher.run(1)).rejects.toThrow('flush answered 0 results for 1 items');
  });
});
