import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { TestApp } from './app';
import { waitFor } from './send-jobs';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(JSON.parse(readFileSync(join(__dirname, '..', 'contracts', 'jobs.schema.json'), 'utf8')) as object, 'jobs');
const compiled = new Map<string, ValidateFunction>();

export type JobsContract = 'CreateJobRequest' | 'JobCreated' | 'Job' | 'Callback' | 'Problem';

/** Throws unless `body` matches the named definition of test/contracts/jobs.schema.json. */
export function expectContract(name: JobsContract, body: unknown): void {
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `jobs#/definitions/${name}` });
    compiled.set(name, validate);
  }
  if (!validate(body)) throw new Error(`${name} does not match the jobs contract: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}

let keys = 0;
/** A fresh Idempotency-Key. */
export const newKey = () => `k-${process.pid}-${Date.now()}-${++keys}`;

export function submitJob(t: TestApp, token: string, body: object, key: string | null = newKey()) {
  const req = request(t.url).post('/jobs').set('Authorization', `Bearer ${token}`);
  if (key !== null) req.set('Idempotency-Key', key);
  return req.send(body);
}

export async function getJobState(t: TestApp, token: string, jobId: string): Promise<Record<string, unknown>> {
  const res = await request(t.url).get(`/jobs/${jobId}`).set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`GET /jobs/${jobId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

export const waitForJob = (t: TestApp, token: string, jobId: string, statuses: string[], timeoutMs?: number) =>
  waitFor(() => getJobState(t, token, jobId), (j) => statuses.includes(j.status as string), timeoutMs);
