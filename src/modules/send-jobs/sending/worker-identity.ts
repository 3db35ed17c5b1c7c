import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { RedisService } from '../../../common/redis/redis.module';

const HEARTBEAT_MS = 2000;
/** A worker silent this long is dead: its `sending` claims become `unknown`. */
export const HEARTBEAT_TTL_MS = 8000;

/** This worker process's id (stamped on its claims) and its liveness heartbeat in Redis. */
@Injectable()
export class WorkerIdentity implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly id = uuidv7();
  private timer?: NodeJS.Timeout;

  constructor(private readonly redis: RedisService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
  }

  async isAlive(workerId: string): Promise<boolean> {
    if (workerId === this.id) return true;
    return (await this.redis.client.exists(this.redis.key('send-worker', workerId))) === 1;
  }

  private async beat(): Promise<void> {
    await this.redis.client.set(this.redis.key('send-worker', this.id), '1', 'PX', HEARTBEAT_TTL_MS).catch(() => undefined);
  }
}
