import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { loadEnv } from '../../src/config/load-env';

/**
 * A real worker process for crash tests: the production AppModule with APP_ROLE=worker, configured by the
 * environment the test passes. Prints "ready" once processors and the scheduler run.
 */
async function main(): Promise<void> {
  const env = loadEnv({ APP_ROLE: 'worker' }, '/nonexistent/.env');
  const app = await NestFactory.createApplicationContext(AppModule.register(env), { logger: false });
  await app.init();
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
