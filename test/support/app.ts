import { NestFactory } from '@nestjs/core';
import { Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppModule } from '../../src/app.module';
import { configureApp, createFastifyAdapter } from '../../src/configure-app';
import { Env } from '../../src/config/env';
import { loadEnv } from '../../src/config/load-env';
import { cloneTemplate, dropDatabase } from './database';

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789-0123456789-abcdef';
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestApp {
  app: NestFastifyApplication;
  /** http://127.0.0.1:<port> of the listening app. */
  url: string;
  env: Env;
  /** A direct connection to this file's database, for asserting rows. */
  db: Client;
  redis: Redis;
  dbName: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse another app's database and Redis prefix (a second process of the same deployment). */
  shareWith?: TestApp;
  /** Extra modules mounted into the app (probe routes). */
  imports?: Type[];
}

/**
 * Boots the real AppModule on Fastify against a clone of the migrated template, listening on a random port of
 * 127.0.0.1, with its own Redis key prefix so files running in parallel never see each other's queues.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.shareWith;
  const suffix = randomBytes(4).toString('hex');
  const dbName = shared?.dbName ?? `${process.env.SE_TEST_RUN}_${suffix}`;
  const databaseUrl = shared ? shared.env.DATABASE_URL : await cloneTemplate(dbName);
  const env = loadEnv(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: databaseUrl,
      DB_MIGRATE: 'false',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: shared?.env.REDIS_KEY_PREFIX ?? `se_test_${suffix}`,
      JWT_SECRET: TEST_JWT_SECRET,
      APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_ALLOW_HTTP: 'true',
      ...options.env,
    },
    '/nonexistent/.env',
  );
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env, options.imports), createFastifyAdapter(), {
    rawBody: true,
    logger: false,
  });
  await configureApp(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  db.on('error', () => undefined); // tests that stop Postgres on purpose terminate this connection too
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);

  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    env,
    db,
    redis,
    dbName,
    async close() {
      await app.close();
      await db.end().catch(() => undefined);
      if (!shared) {
        const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}:*`).catch(() => []);
        if (keys.length) await redis.del(...keys).catch(() => undefined);
        await dropDatabase(dbName);
      }
      redis.disconnect();
    },
  };
}
