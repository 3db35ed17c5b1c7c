import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { adminToken } from './auth';
import { TestApp } from './app';

/** The `/v1/*` relay API contract (paths, fields, types, required sets, enums), kept in the repository. */
const CONTRACT = join(__dirname, '../contracts/relay.openapi.json');

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(JSON.parse(readFileSync(CONTRACT, 'utf8')) as object, 'relay');
const cache = new Map<string, ValidateFunction>();

/** Asserts `body` matches `#/components/schemas/<name>` of the relay contract (or an inline path, e.g. a route's response). */
export function expectRelaySchema(name: string, body: unknown): void {
  const ref = name.startsWith('#') ? `relay${name}` : `relay#/components/schemas/${name}`;
  let validate = cache.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    cache.set(ref, validate);
  }
  if (!validate(body)) throw new Error(`${name} does not match the relay contract: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}

/** A `whk_test_…` API key for the tenant, through the admin API. */
export async function apiKeyFor(t: TestApp, tenantId: string): Promise<string> {
  const res = await request(t.url).post(`/api/tenants/${tenantId}/api-keys`).set('Authorization', `Bearer ${adminToken()}`).send({ environment: 'test' });
  if (res.status !== 201) throw new Error(`api key create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key as string;
}
