import { parseEnv } from '../../config/env';
import { bootSummary, redactUrl } from './boot-summary';

const base = {
  DATABASE_URL: 'postgres://app:s3cret@db.internal:5432/send_engine',
  JWT_SECRET: 'a'.repeat(32),
  APP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('bootSummary', () => {
  it('names the URL, role, database with the migrations applied, Redis, where mail goes and the docs', () => {
    const text = bootSummary(parseEnv({ ...base, PORT: '3100', MAIL_FILE_DIR: '/tmp/mail' }), {
      databaseCreated: true,
      migrationsApplied: ['Init1', 'Second2'],
    });
    expect(text).toContain('listening on http://localhost:3100 · role all');
    expect(text).toContain('postgres://app:***@db.internal:5432/send_engine (created now) · 2 migrations applied (last: Second2)');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('redis://127.0.0.1:6379');
    expect(text).toContain('file: .eml files in /tmp/mail');
    expect(text).toContain('http://localhost:3100/docs');
  });

  it('says when the schema was already current, when migrations were skipped, and where SES mail goes', () => {
    const ses = parseEnv({ ...base, MAIL_TRANSPORT: 'ses', SES_ENDPOINT: 'http://127.0.0.1:8005' });
    expect(bootSummary(ses, { databaseCreated: false, migrationsApplied: [] })).toContain('schema up to date');
    expect(bootSummary(ses, { databaseCreated: false, migrationsApplied: [] })).toContain('ses: emulator at http://127.0.0.1:8005');
    const worker = parseEnv({ ...base, APP_ROLE: 'worker' });
    const text = bootSummary(worker, { databaseCreated: false, migrationsApplied: null });
    expect(text).toContain('worker running (no HTTP)');
    expect(text).toContain('DB_MIGRATE=false');
    expect(text).not.toContain('/docs');
  });

  it('redacts passwords and survives an unparsable URL', () => {
    expect(redactUrl('smtp://u:p@mail:587')).toBe('smtp://u:***@mail:587');
    expect(redactUrl('not a url')).toBe('(unparsable URL)');
  });
});
