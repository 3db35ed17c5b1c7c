import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export type AppRole = 'api' | 'worker' | 'all';
export type MailTransportKind = 'ses' | 'smtp' | 'file';

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase()) : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);

/**
 * Every environment variable the service reads, validated once at boot.
 * Names are part of the public contract (README, "Configuration"); `.env.example` documents each one.
 */
export class Env {
  // process
  @IsIn(['development', 'test', 'production']) NODE_ENV: 'development' | 'test' | 'production' = 'development';
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT = 3000;
  @IsEnum(['api', 'worker', 'all']) APP_ROLE: AppRole = 'all';
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) PUBLIC_BASE_URL = 'http://localhost:3000';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  /** Share of fast successful requests logged (errors and slow requests always are). */
  @Transform(toInt) @IsNumber() @Min(0) @Max(1) LOG_REQUEST_SAMPLE = 0.01;
  @Transform(toInt) @IsInt() @Min(1) LOG_SLOW_REQUEST_MS = 1000;

  // postgres
  @IsString() @MinLength(1) DATABASE_URL!: string;
  @Transform(toBool) @IsOptional() @IsBoolean() DB_MIGRATE?: boolean;

  // redis
  @IsString() @MinLength(1) REDIS_URL = 'redis://127.0.0.1:6379';
  /** Prefix of every Redis key (Bull queues, nonces, rate limits) so several deployments can share one Redis. */
  @IsString() @MinLength(1) REDIS_KEY_PREFIX = 'se';

  // auth
  @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' }) JWT_SECRET?: string;
  @IsOptional() @IsUrl({ require_tld: false }) JWT_JWKS_URI?: string;
  @IsOptional() @IsString() JWT_ISSUER?: string;
  @IsOptional() @IsString() JWT_AUDIENCE?: string;
  /** Lifetime of tokens issued by POST /oauth/token. */
  @Transform(toInt) @IsInt() @Min(60) @Max(86400) OAUTH_TOKEN_TTL_SECONDS = 3600;
  /** Bearer token Prometheus presents at /metrics (an admin JWT works too). Empty: admin JWT only. */
  @IsOptional() @IsString() @MinLength(16) METRICS_TOKEN?: string;

  // secrets at rest
  @IsString() APP_ENCRYPTION_KEY!: string;

  // member center
  @Transform(toInt) @IsInt() @Min(1) HMAC_TOLERANCE_SECONDS = 300;
  /** How long the previous Member Center secret stays valid after a rotation. */
  @Transform(toInt) @IsInt() @Min(0) MEMBER_CENTER_SECRET_OVERLAP_HOURS = 24;

  // api
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_PER_MINUTE = 600;

  // sending
  @IsEnum(['ses', 'smtp', 'file']) MAIL_TRANSPORT: MailTransportKind = 'file';
  @IsString() MAIL_FROM = 'Send Engine <no-reply@send-engine.local>';
  @IsString() SES_REGION = 'us-east-1';
  @IsOptional() @IsUrl({ require_tld: false }) SES_ENDPOINT?: string;
  @IsOptional() @IsString() SES_CONFIGURATION_SET?: string;
  @IsOptional() @IsString() SES_CONFIGURATION_SET_NO_TRACKING?: string;
  @IsOptional() @IsString() SMTP_URL?: string;
  @IsString() MAIL_FILE_DIR = './var/mail';
  @Transform(toInt) @IsInt() @Min(0) SEND_RATE_PER_SECOND = 14;

  // single background jobs (POST /jobs)
  /** Job submissions per tenant per minute; tenants may override (`jobs_per_minute`). */
  @Transform(toInt) @IsInt() @Min(1) JOBS_PER_MINUTE = 600;
  /** Provider calls of one job before a transient failure becomes `fatal`. */
  @Transform(toInt) @IsInt() @Min(1) JOB_MAX_ATTEMPTS = 5;
  /** Delays of the completion callback's retries: N entries → N + 1 requests at most. */
  @Transform(({ value }) => (typeof value === 'string' ? (toList({ value }) as string[]).map(Number) : value))
  @IsInt({ each: true })
  @Min(0, { each: true })
  JOB_CALLBACK_RETRY_SCHEDULE_SECONDS: number[] = [30, 60, 120];
  /** A job whose provider call a crash left open stays `running` (outcome_unknown) this long waiting for SES. */
  @Transform(toInt) @IsInt() @Min(1) JOB_OUTCOME_UNKNOWN_TIMEOUT_SECONDS = 3600;

  // ses events
  @Transform(toList) @IsString({ each: true }) SES_SNS_TOPIC_ARNS: string[] = [];
  @Transform(toList) @IsString({ each: true }) SNS_TRUSTED_CERT_URL_PREFIXES: string[] = [];
  @IsOptional() @IsString() @MinLength(16) SES_EVENTS_HMAC_SECRET?: string;
  @Transform(toInt) @IsInt() @Min(1) SOFT_BOUNCE_LIMIT = 3;
  @Transform(toInt) @IsInt() @Min(1) SOFT_BOUNCE_WINDOW_DAYS = 30;

  // outbound webhooks
  @Transform(toList) @IsString({ each: true }) WEBHOOK_ALLOWED_CIDRS: string[] = [];
  @Transform(toBool) @IsBoolean() WEBHOOK_ALLOW_HTTP = false;
  @Transform(({ value }) => (typeof value === 'string' ? (toList({ value }) as string[]).map(Number) : value))
  @IsInt({ each: true })
  @Min(0, { each: true })
  WEBHOOK_RETRY_SCHEDULE_SECONDS: number[] = [30, 120, 600, 1800, 3600, 10800, 21600, 43200];
  @Transform(toInt) @IsInt() @Min(100) WEBHOOK_CONNECT_TIMEOUT_MS = 5000;
  @Transform(toInt) @IsInt() @Min(100) WEBHOOK_TIMEOUT_MS = 15000;
  @Transform(toInt) @IsInt() @Min(1) WEBHOOK_DISABLE_AFTER_FAILURES = 20;
  @Transform(toInt) @IsInt() @Min(1) WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION = 10;
  /** Bulk recover: dead letters replayed per second per tenant, unless the tenant sets `replay_rate_per_second`. */
  @Transform(toInt) @IsInt() @Min(1) DEAD_LETTER_REPLAY_RATE_PER_SECOND = 10;

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }
  get runsApi(): boolean {
    return this.APP_ROLE !== 'worker';
  }
  get runsWorker(): boolean {
    return this.APP_ROLE !== 'api';
  }
  get migrateOnBoot(): boolean {
    return this.DB_MIGRATE ?? !this.isProduction;
  }
  get encryptionKey(): Buffer {
    return Buffer.from(this.APP_ENCRYPTION_KEY, 'base64');
  }
}

export class EnvError extends Error {}

/** Values that ship in .env.example: fine on a laptop, refused in production. */
const EXAMPLE_SECRETS = new Set([
  'dev-only-jwt-secret-change-me-0123456789abcdef',
  'ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=',
  'dev-only-ses-events-hmac-secret',
]);

/** Validates a raw environment; throws an EnvError whose message is one line naming the variable. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Env, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const first = errors[0];
    const why = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new EnvError(`Invalid environment variable ${first.property}: ${why}`);
  }
  if (env.encryptionKey.length !== 32) {
    throw new EnvError('Invalid environment variable APP_ENCRYPTION_KEY: must be 32 bytes, base64-encoded');
  }
  if (!env.JWT_SECRET && !env.JWT_JWKS_URI) {
    throw new EnvError('Invalid environment variable JWT_SECRET: set JWT_SECRET (HS256) or JWT_JWKS_URI (RS256)');
  }
  if (env.MAIL_TRANSPORT === 'smtp' && !env.SMTP_URL) {
    throw new EnvError('Invalid environment variable SMTP_URL: required when MAIL_TRANSPORT=smtp');
  }
  if (env.isProduction) {
    for (const name of ['JWT_SECRET', 'APP_ENCRYPTION_KEY', 'SES_EVENTS_HMAC_SECRET'] as const) {
      if (env[name] && EXAMPLE_SECRETS.has(env[name])) {
        throw new EnvError(`Invalid environment variable ${name}: the example value is refused in production`);
      }
    }
  }
  return env;
}
