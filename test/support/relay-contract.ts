import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The relay API's response and problem schemas (an OpenAPI components fragment kept with the tests). */
const CONTRACT = join(__dirname, '../contracts/relay-api.schemas.yaml');

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(parse(readFileSync(CONTRACT, 'utf8')) as object, 'relay');
const cache = new Map<string, ValidateFunction>();

/** Asserts `body` matches `#/components/schemas/<name>` of the relay contract (or another path inside it). */
export function expectRelaySchema(name: string, body: unknown): void {
  const ref = name.startsWith('#') ? `relay${name}` : `relay#/components/schemas/${name}`;
  let validate = cache.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    cache.set(ref, validate);
  }
  if (!validate(body)) throw new Error(`${name} does not match the relay contract: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}

export { apiKeyFor } from './auth';
