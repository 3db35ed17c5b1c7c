import { AppConfig } from '../../config/app-config';
import { parseEnv } from '../../config/env';
import { SafeHttpClient } from './safe-http';

const client = (env: Record<string, string>) =>
  new SafeHttpClient(
    parseEnv({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
      JWT_SECRET: 'j'.repeat(40),
      APP_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      ...env,
    }) as AppConfig,
  );

describe('SafeHttpClient.urlProblem', () => {
  it('names the setting that would allow a refused URL outside production', () => {
    const dev = client({ NODE_ENV: 'development' });
    expect(dev.urlProblem('http://example.com/hook')).toBe('must use https (set WEBHOOK_ALLOW_HTTP=true to allow http:// endpoints)');
    expect(client({ WEBHOOK_ALLOW_HTTP: 'true' }).urlProblem('http://127.0.0.1:4000/hook')).toBe(
      'must not point to a private, loopback, link-local or reserved address (add its range to WEBHOOK_ALLOWED_CIDRS, e.g. 127.0.0.1/32)',
    );
    expect(client({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8' }).urlProblem('http://127.0.0.1:4000/hook')).toBeNull();
  });

  it('keeps production refusals short', () => {
    const prod = client({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), APP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') });
    expect(prod.urlProblem('http://example.com/hook')).toBe('must use https');
    expect(prod.urlProblem('https://10.0.0.1/hook')).toBe('must not point to a private, loopback, link-local or reserved address');
  });
});
