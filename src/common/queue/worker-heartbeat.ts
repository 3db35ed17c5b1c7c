import { getQueueToken } from '@nestjs/bull';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bull';
import { hostname } from 'node:os';
import { RedisService } from '../redis/redis.module';
import { QUEUES } from './queues';

const BEAT_MS = 5_000;
/** A heartbeat older than this means the worker stopped processing (the health check fails). */
export const HEARTBEAT_TTL_SECONDS = 30;

/** The Redis key (after the deployment prefix) of the worker process on this host (one per container). */
export const workerHeartbeatKey = (host = hostname()) => ['worker_heartbeat', host];

/**
 * In worker processes: writes a heartbeat every few seconds while every queue's Redis connection is ready, so a
 * health check in the same container can tell "processing" from "process up but stuck or cut off".
 */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private queues: Queue[] = [];

  constructor(
    private readonly redis: RedisService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queues = Object.values(QUEUES).map((q) => this.moduleRef.get<Queue>(getQueueToken(q.name), { strict: false }));
    await this.beat();
    this.timer = setInterval(() => void this.beat(), BEAT_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    if (!this.queues.every((q) => q.client.status === 'ready')) return;
    const value = JSON.stringify({ at: new Date().toISOString(), pid: process.pid, queues: this.queues.map((q) => q.name) });
    await this.redis.client.set(this.redis.key(...workerHeartbeatKey()), value, 'EX', HEARTBEAT_TTL_SECONDS).catch(() => undefined);
  }
}
