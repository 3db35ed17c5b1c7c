import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobCompletion } from './job-completion';
import { JobsRepository } from './jobs.repository';

/**
 * The single-job half of the SentMessages port: an SES event about a job's email settles a job a crash left
 * `running` (outcome_unknown) — accepted → `succeeded`, rejected → `fatal` — with its callback and engine event
 * in the event's transaction. The callback's first attempt is then sent by the delivery reconciler (this path is
 * the rare crash recovery; the event's transaction has no after-commit hook of ours).
 */
@Injectable()
export class JobSentMessages {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly completion: JobCompletion,
  ) {}

  find(rowId: string | null, sesMessageId: string, tenantId: string | null, manager: EntityManager) {
    return this.jobs.findSent(rowId, sesMessageId, tenantId, manager);
  }

  async resolve(manager: EntityManager, rowId: string, accepted: boolean, sesMessageId: string, reason: string): Promise<void> {
    const ended = await this.jobs.resolve(manager, rowId, accepted, sesMessageId, reason);
    if (ended) await this.completion.ended(manager, ended);
  }
}
