import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
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

describe('SafeHttpClient.post response bodies', () => {
  let server: Server;
  let base: string;
  const http = client({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8', WEBHOOK_TIMEOUT_MS: '300' });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/bom') return res.writeHead(200, { 'content-length': 5 }).end(Buffer.from([0xef, 0xbb, 0xbf, 0x6f, 0x6b]));
      // Announces a small body, sends part of it, then stalls.
      res.writeHead(200, { 'content-length': 10 }).write('12345');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await http.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('keeps a small body as sent (a leading BOM included)', async () => {
    const res = await http.post({ url: `${base}/bom`, headers: {}, body: '{}' });
    expect(res).toMatchObject({ status: 200, body: '\ufeffok', truncated: false, errorCode: null });
  });

  it('times out a small announced body that stops arriving', async () => {
    const res = await http.post({ url: `${base}/stall`, headers: {}, body: '{}' });
    expect(res).toMatchObject({ status: null, errorCode: 'timeout' });
  });
});
