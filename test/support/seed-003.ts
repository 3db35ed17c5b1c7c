import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The seed-003 OpenAPI document, beside the repository (`../shared/seeds`). */
const SEED = join(__dirname, '../../../shared/seeds/003-webhook-relay-openapi.yaml');

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(parse(readFileSync(SEED, 'utf8')) as object, 'seed003');
const cache = new Map<string, ValidateFunction>();

/** Asserts `body` matches `#/components/schemas/<name>` of seed 003 (or an inline path, e.g. a route's response). */
export function expectSeedSchema(name: string, body: unknown): void {
  const ref = name.startsWith('#') ? `seed003${name}` : `seed003#/components/schemas/${name}`;
  let validate = cache.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    cache.set(ref, validate);
  }
  if (!validate(body)) throw new Error(`${name} does not match seed 003: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}

export { apiKeyFor } from './auth';
