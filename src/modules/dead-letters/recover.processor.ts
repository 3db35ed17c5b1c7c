import { Process, Processor } from '@nestjs/bull';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bull';
import { QUEUES } from '../../common/queue/queues';
import { RecoverJob, RecoverProducer } from './recover.producer';
import { RecoverService } from './recover.service';

const { name, jobs } = QUEUES.deadLetterRecoveries;

@Processor(name)
export class RecoverProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(RecoverProcessor.name);

  constructor(
    private readonly recover: RecoverService,
    private readonly producer: RecoverProducer,
  ) {}

  @Process(jobs.run)
  run(job: Job<RecoverJob>): Promise<void> {
    return this.recover.run(job.data.recoveryId);
  }

  /** Requests a crashed worker or a lost Redis left open resume from their row's cursor. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      for (const id of await this.recover.openIds()) await this.producer.enqueue(id);
    } catch (e) {
      this.logger.warn(`could not resume open recover requests: ${(e as Error).message}`);
    }
  }
}
