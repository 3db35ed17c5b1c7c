import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { hostname } from 'node:os';
import { AuthGuard } from './common/auth/auth.guard';
import { JwtVerifier } from './common/auth/jwt-verifier';
import { JwtStrategy } from './common/auth/jwt.strategy';
import { ValidationStatusGuard } from './common/errors/validation-status.decorator';
import { BodyLimitGuard } from './common/http/body-limit';
import { redactRequest, redactResponse } from './common/logging/redact';
import { MetricsModule } from './common/metrics/metrics.module';
import { MetricsAccess } from './common/metrics/metrics-access';
import { MetricsController } from './common/metrics/metrics.controller';
import { QueueMetrics } from './common/metrics/queue-metrics';
import { AppLogger, logTransport } from './common/ops/app-logger';
import { bullRootOptions } from './common/queue/bull-options';
import { PeriodicJobs } from './common/queue/periodic-jobs';
import { WorkerCheck } from './common/queue/worker-check';
import { WorkerHeartbeat } from './common/queue/worker-heartbeat';
import { RateLimitGuard } from './common/rate-limit/rate-limit.guard';
import { TenantLimits } from './common/rate-limit/tenant-limits';
import { RedisModule } from './common/redis/redis.module';
import { PeriodicTasksModule } from './common/scheduling/periodic-tasks';
import { WellFormedInput } from './common/validation/well-formed';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { Env } from './config/env';
import { dataSourceOptions } from './database/data-source-options';
import { ConsoleModule } from './modules/console/console.module';
import { DeadLettersWorkerModule } from './modules/dead-letters/dead-letters-worker.module';
import { DeadLettersModule } from './modules/dead-letters/dead-letters.module';
import { DeliveriesWorkerModule } from './modules/deliveries/deliveries-worker.module';
import { DeliveriesModule } from './modules/deliveries/deliveries.module';
import { HealthModule } from './modules/health/health.module';
import { MaintenanceWorkerModule } from './modules/maintenance/maintenance-worker.module';
import { MaintenanceModule } from './modules/maintenance/maintenance.module';
import { SendJobsWorkerModule } from './modules/send-jobs/send-jobs-worker.module';
import { SendJobsModule } from './modules/send-jobs/send-jobs.module';
import { SesEventsModule } from './modules/ses-events/ses-events.module';
import { SubscribersWorkerModule } from './modules/subscribers/subscribers-worker.module';
import { SubscribersModule } from './modules/subscribers/subscribers.module';
import { TenantsModule } from './modules/tenants/tenants.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';

/** Domain modules: API, producers and services. */
const DOMAIN_MODULES = [
  TenantsModule,
  WebhooksModule,
  DeliveriesModule,
  DeadLettersModule,
  MaintenanceModule,
  SubscribersModule,
  SendJobsModule,
  SesEventsModule,
  ConsoleModule,
];
/** Processors and schedulers, loaded only when APP_ROLE is `worker` or `all`. */
const WORKER_MODULES = [MaintenanceWorkerModule, SubscribersWorkerModule, DeliveriesWorkerModule, SendJobsWorkerModule, DeadLettersWorkerModule];

@Module({})
export class AppModule {
  /** `extra`: additional modules (the e2e suite mounts probe routes that exercise the shared mechanisms). */
  static register(env: Env, extra: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(env),
        LoggerModule.forRoot({
          // No per-request middleware: configure-app logs finished requests from a Fastify hook (common/logging/request-log.ts).
          forRoutes: [],
          pinoHttp: {
            level: env.LOG_LEVEL,
            transport: logTransport(env.NODE_ENV),
            // fastify's genReqId stored the id on the raw request; pino-http reuses `req.id`.
            // Every line (request logs and the worker's own) names the process role.
            base: { pid: process.pid, hostname: hostname(), role: env.APP_ROLE },
            // Credentials leave no trace: secret-like headers, and `?key=` / `?token=` / … in the URL and the parsed query.
            serializers: { req: redactRequest, res: redactResponse },
          },
        }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(env.DATABASE_URL), entities: [], autoLoadEntities: true }),
        BullModule.forRootAsync({ inject: [AppConfig], useFactory: bullRootOptions }),
        PassportModule,
        DiscoveryModule,
        RedisModule,
        PeriodicTasksModule,
        MetricsModule,
        HealthModule,
        ...DOMAIN_MODULES,
        ...(env.runsWorker ? WORKER_MODULES : []),
        ...extra,
      ],
      controllers: [MetricsController],
      providers: [
        AppLogger,
        JwtStrategy,
        JwtVerifier,
        TenantLimits,
        QueueMetrics,
        MetricsAccess,
        ...(env.runsWorker ? [WorkerCheck, PeriodicJobs, WorkerHeartbeat] : []),
        // Order matters: note the route's error dialect, authenticate, check size, count against the rate limit,
        // then refuse ill-formed input (before interceptors and pipes; signature-guarded routes: after their guard).
        { provide: APP_GUARD, useClass: ValidationStatusGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: BodyLimitGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: WellFormedInput },
      ],
    };
  }
}
