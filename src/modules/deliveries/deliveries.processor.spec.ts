import { Job } from 'bull';
import { DeliveriesProcessor } from './deliveries.processor';
import { DeliveryAttemptRunner, DeliveryDeferred } from './delivery-attempt.runner';
import { DeliveryProducer, DueAttempt, FirstAttemptsJob } from './delivery.producer';

const batchJob = (deliveryIds: string[]) => ({ data: { batch: 'b', deliveryIds } }) as Job<FirstAttemptsJob>;

describe('DeliveriesProcessor.firstAttempts', () => {
  function setUp(run: (id: string) => Promise<string>, enqueueMany: (a: DueAttempt[]) => Promise<void> = async () => undefined) {
    const runner = { run: jest.fn(({ deliveryId }: { deliveryId: string }) => run(deliveryId)) };
    const producer = { enqueueMany: jest.fn(enqueueMany) };
    const processor = new DeliveriesProcessor(runner as unknown as DeliveryAttemptRunner, producer as unknown as DeliveryProducer);
    return { processor, runner, producer };
  }

  it('makes each first attempt itself and queues nothing when all ran', async () => {
    const { processor, runner, producer } = setUp(async () => 'sent');
    await expect(processor.firstAttempts(batchJob(['a', 'b', 'c']))).resolves.toBe(0);
    expect(runner.run.mock.calls.map(([j]) => j)).toEqual([
      { deliveryId: 'a', attempt: 1 }, { deliveryId: 'b', attempt: 1 }, { deliveryId: 'c', attempt: 1 },
    ]);
    expect(producer.enqueueMany).toHaveBeenCalledWith([]);
  });

  it('hands a deferred or failed attempt to a job of its own, shortly after', async () => {
    const { processor, producer } = setUp(async (id) => {
      if (id === 'capped') throw new DeliveryDeferred('at its cap');
      if (id === 'broken') throw new Error('redis down');
      return 'sent';
    });
    await expect(processor.firstAttempts(batchJob(['ok', 'capped', 'broken']))).resolves.toBe(2);
    const queued = producer.enqueueMany.mock.calls[0][0];
    expect(queued.map((a) => a.deliveryId).sort()).toEqual(['broken', 'capped']);
    expect(queued.every((a) => a.attempt === 1 && a.delayMs! > 0)).toBe(true);
  });

  it('fails the batch (Bull runs it again) when the hand-off cannot be queued either', async () => {
    const { processor } = setUp(
      async () => {
        throw new Error('postgres down');
      },
      async () => {
        throw new Error('redis down');
      },
    );
    await expect(processor.firstAttempts(batchJob(['a']))).rejects.toThrow('redis down');
  });

  it('runs at most 32 attempts at once in a process, across batches', async () => {
    let inFlight = 0;
    let most = 0;
    const { processor } = setUp(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return 'sent';
    });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `d${i}`);
    await Promise.all([processor.firstAttempts(batchJob(ids(30))), processor.firstAttempts(batchJob(ids(30)))]);
    expect(most).toBe(32);
  });
});
