import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DeadLetterRecovery, RecoveryStatus } from './dead-letter-recovery.entity';

/** Bulk recover requests and their progress. */
@Injectable()
export class RecoverRepository {
  constructor(@InjectRepository(DeadLetterRecovery) private readonly rows: Repository<DeadLetterRecovery>) {}

  async insert(row: Partial<DeadLetterRecovery>): Promise<DeadLetterRecovery> {
    const created = this.rows.create(row);
    await this.rows.insert(created);
    return created;
  }

  find(tenantId: string, id: string): Promise<DeadLetterRecovery | null> {
    return this.rows.findOneBy({ id, tenantId });
  }

  findById(id: string): Promise<DeadLetterRecovery | null> {
    return this.rows.findOneBy({ id });
  }

  /** Requests a worker still owes (after a crash or a Redis loss they are enqueued again). */
  async openIds(): Promise<string[]> {
    const rows = await this.rows.find({ select: { id: true }, where: { status: In(['queued', 'running']) } });
    return rows.map((r) => r.id);
  }

  async setStatus(id: string, status: RecoveryStatus): Promise<void> {
    await this.rows.update({ id }, { status, ...(status === 'completed' || status === 'failed' ? { finishedAt: new Date() } : {}) });
  }

  /** One replay done: count it and move the cursor past it in one statement. */
  async advance(id: string, deliveryId: string): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .update()
      .set({ replayed: () => 'replayed + 1', cursorId: deliveryId })
      .where('id = :id', { id })
      .execute();
  }
}
