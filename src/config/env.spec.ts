import { EnvError, parseEnv } from './env';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
  JWT_SECRET: 'a'.repeat(32),
  APP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('parseEnv', () => {
  it('applies defaults and converts types', () => {
    const env = parseEnv({ ...base, PORT: '8080', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_RETRY_SCHEDULE_SECONDS: '1, 2,3' });
    expect(env.PORT).toBe(8080);
    expect(env.APP_ROLE).toBe('all');
    expect(env.WEBHOOK_ALLOW_HTTP).toBe(true);
    expect(env.WEBHOOK_RETRY_SCHEDULE_SECONDS).toEqual([1, 2, 3]);
    expect(env.HMAC_TOLERANCE_SECONDS).toBe(300);
    expect(env.migrateOnBoot).toBe(true);
  });

  it.each([
    [{ DATABASE_URL: undefined }, /DATABASE_URL/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ APP_ROLE: 'both' }, /APP_ROLE/],
    [{ APP_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }, /APP_ENCRYPTION_KEY: must be 32 bytes/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
    [{ JWT_SECRET: undefined }, /JWT_SECRET: set JWT_SECRET/],
    [{ MAIL_TRANSPORT: 'smtp' }, /SMTP_URL/],
  ])('rejects %j with one line naming the variable', (patch, message) => {
    const run = () => parseEnv({ ...base, ...patch });
    expect(run).toThrow(EnvError);
    expect(run).toThrow(message);
  });

  it('refuses the example secrets in production', () => {
    expect(() =>
      parseEnv({ ...base, NODE_ENV: 'production', JWT_SECRET: 'dev-only-jwt-secret-change-me-0123456789abcdef' }),
    ).toThrow(/JWT_SECRET: the example value is refused in production/);
    expect(() => parseEnv({ ...base, NODE_ENV: 'production', SES_EVENTS_HMAC_SECRET: 'dev-only-ses-events-hmac-secret' })).toThrow(
      /SES_EVENTS_HMAC_SECRET: the example value is refused in production/,
    );
  });

  it('defaults DB_MIGRATE to false in production', () => {
    expect(parseEnv({ ...base, NODE_ENV: 'production' }).migrateOnBoot).toBe(false);
    expect(parseEnv({ ...base, NODE_ENV: 'production', DB_MIGRATE: 'true' }).migrateOnBoot).toBe(true);
  });
});
