import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import contract from '../contracts/marigold.openapi.json';

// OpenAPI 3.0's `nullable` is not JSON Schema: the contract uses `oneOf` with `type: null` instead.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(contract as object, 'marigold');
const cache = new Map<string, ValidateFunction>();

/** Asserts `body` matches `#/components/schemas/<name>` of test/contracts/marigold.openapi.json. */
export function expectMarigoldSchema(name: string, body: unknown): void {
  let validate = cache.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `marigold#/components/schemas/${name}` });
    cache.set(name, validate);
  }
  if (!validate(body)) throw new Error(`${name} does not match the Marigold contract: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}
