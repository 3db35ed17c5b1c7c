import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A JSON pointer segment inside a URI fragment (RFC 6901 escapes, then percent-encoding for `{` `}` and friends). */
const segment = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * Validates bodies against an OpenAPI document kept in `test/contracts/` (the contract a dialect must keep):
 * by component schema name, or by the response a path, method and status declare.
 */
export class OpenApiContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

  constructor(private readonly file: string) {
    addFormats(this.ajv);
    this.doc = JSON.parse(readFileSync(join(__dirname, '../contracts', file), 'utf8'));
    this.ajv.addSchema(this.doc as object, 'contract');
  }

  /** Asserts `body` matches `#/components/schemas/<name>`. */
  expectSchema(name: string, body: unknown): void {
    this.check(`contract#/components/schemas/${segment(name)}`, name, body);
  }

  /**
   * Asserts the response is one the document declares for `method path` (path as templated there): its status is
   * listed, and its JSON body (if the document gives one) matches the schema.
   */
  expectResponse(method: string, path: string, res: { status: number; body: unknown }): void {
    const responses = this.doc.paths[path]?.[method.toLowerCase()]?.responses;
    if (!responses) throw new Error(`${this.file}: no operation ${method} ${path}`);
    const declared = responses[String(res.status)];
    if (!declared) throw new Error(`${this.file}: ${method} ${path} does not declare ${res.status} (body ${JSON.stringify(res.body).slice(0, 300)})`);
    if (!declared.content?.['application/json']) return;
    const pointer = ['paths', path, method.toLowerCase(), 'responses', String(res.status), 'content', 'application/json', 'schema'].map(segment).join('/');
    this.check(`contract#/${pointer}`, `${method} ${path} ${res.status}`, res.body);
  }

  private check(ref: string, what: string, body: unknown): void {
    let validate = this.cache.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.cache.set(ref, validate);
    }
    if (!validate(body)) throw new Error(`${what} does not match ${this.file}: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}
