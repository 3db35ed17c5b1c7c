import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { AppLogger } from './common/ops/app-logger';
import { bootSummary } from './common/ops/boot-summary';
import { createFastifyAdapter, configureApp } from './configure-app';
import { EnvError } from './config/env';
import { loadEnv } from './config/load-env';
import { ensureDatabase, runMigrations } from './database/prepare-database';

async function bootstrap(): Promise<void> {
  const env = loadEnv();
  const databaseCreated = !env.isProduction && (await ensureDatabase(env.DATABASE_URL));
  const migrationsApplied = env.migrateOnBoot ? await runMigrations(env.DATABASE_URL) : null;

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env), createFastifyAdapter(), {
    bufferLogs: true,
    rawBody: true,
  });
  await configureApp(app);
  if (env.runsApi) {
    await app.listen({ port: env.PORT, host: '0.0.0.0' });
  } else {
    await app.init(); // worker: processors and schedulers only
  }
  app.get(AppLogger).log(bootSummary(env, { databaseCreated, migrationsApplied }), 'Boot');
  // Close gracefully (drain HTTP, let workers finish their jobs), then exit normally rather than re-raising the
  // signal as Nest's shutdown hooks do: a normal exit is what lets `node --cpu-prof` write its profile.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void app.close().then(() => process.exit(0), () => process.exit(1)));
  }
}

bootstrap().catch((err: unknown) => {
  // One clear line for configuration mistakes; the full error for anything else.
  if (err instanceof EnvError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
