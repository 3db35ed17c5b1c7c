/**
 * Group commit for round trips: callers submit one item each and get its own result, while the items that
 * arrive during one event-loop turn — and all that arrive while earlier flushes are in flight — go to Postgres
 * or Redis as one statement. At low load a batch is a single item flushed on the next turn (no added wait);
 * under load batches grow by themselves, which is what keeps the cost per item falling as the rate rises.
 * (DataLoader coalesces only within one tick and cannot bound concurrent flushes, so batches would stay tiny.)
 */
export interface BatcherOptions {
  /** Largest batch handed to one flush. */
  maxBatch: number;
  /** Flushes allowed in flight at once (keep below the connection pool size). */
  maxConcurrent: number;
  /**
   * Wait this long before each flush so more items join it (default 0: the next event-loop turn). For callers whose
   * few ms of added latency cost less than the round trips saved, when arrivals are too sparse to batch by themselves.
   */
  lingerMs?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class Batcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private running = 0;
  private scheduled = false;

  /** `flush` answers one result per item, in order. */
  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {}

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const drain = () => {
      this.scheduled = false;
      this.drain();
    };
    if (this.options.lingerMs) setTimeout(drain, this.options.lingerMs);
    else setImmediate(drain);
  }

  private drain(): void {
    while (this.running < this.options.maxConcurrent && this.queue.length) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running++;
      void this.settle(batch).finally(() => {
        this.running--;
        if (this.options.lingerMs) {
          if (this.queue.length) this.schedule();
        } else this.drain();
      });
    }
  }

  /**
   * A failed batch is retried item by item, so one bad item fails only its own caller. The retries run side by
   * side: when the cause is an outage, every caller learns it after one more failure, not a batch's worth in a row.
   */
  private async settle(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((p) => p.item));
      if (results.length !== batch.length) throw new Error(`flush answered ${results.length} results for ${batch.length} items`);
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      await Promise.all(batch.map((p) => this.settle([p])));
    }
  }
}
