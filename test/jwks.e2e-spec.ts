import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { tokenFor } from './support/auth';

/** A real identity provider's JWKS endpoint, on 127.0.0.1. */
function serveJwks(publicKey: KeyObject, kid: string): Promise<Server> {
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('RS256 tokens through JWT_JWKS_URI', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let jwks: Server;
  let t: TestApp;

  beforeAll(async () => {
    jwks = await serveJwks(publicKey, 'key-1');
    const { port } = jwks.address() as AddressInfo;
    t = await createTestApp({ env: { JWT_SECRET: '', JWT_JWKS_URI: `http://127.0.0.1:${port}/.well-known/jwks.json`, JWT_AUDIENCE: 'send-engine' } });
  });
  afterAll(async () => {
    await t?.close();
    jwks?.close();
  });

  const rs256 = (key: KeyObject, claims: object, opts: { kid?: string; audience?: string } = {}) =>
    sign({ roles: ['admin'], ...claims }, key, { algorithm: 'RS256', keyid: opts.kid ?? 'key-1', subject: 'idp-user', audience: opts.audience ?? 'send-engine', expiresIn: 60 });

  it('accepts a token signed by the identity provider', async () => {
    const res = await request(t.url).post('/api/tenants').set('Authorization', `Bearer ${rs256(privateKey, {})}`).send({ name: 'Via JWKS' });
    expect(res.status).toBe(201);
  });

  it.each([
    ['signed by another key', () => rs256(stranger.privateKey, {})],
    ['for another audience', () => rs256(privateKey, {}, { audience: 'other-app' })],
    ['with an unknown key id', () => rs256(privateKey, {}, { kid: 'key-2' })],
    ['HS256 (algorithm not accepted)', () => tokenFor({ roles: ['admin'] })],
  ])('refuses a token %s (401)', async (_name, token) => {
    const res = await request(t.url).post('/api/tenants').set('Authorization', `Bearer ${token()}`).send({ name: 'x' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unauthorized');
  });
});
