import { AppError } from '../errors/app-error';
import { idempotencyKeyOf, settlementOf, storedJson } from './idempotency.guard';

describe('idempotencyKeyOf', () => {
  it('takes the (first) header value', () => {
    expect(idempotencyKeyOf('k-1', { required: false })).toBe('k-1');
    expect(idempotencyKeyOf(['a', 'b'], { required: true })).toBe('a');
  });
  it('no key: none, or 400 where the route requires one', () => {
    expect(idempotencyKeyOf(undefined, { required: false })).toBeUndefined();
    expect(() => idempotencyKeyOf(undefined, { required: true })).toThrow(expect.objectContaining({ code: 'idempotency_key_required' }) as AppError);
  });
  it('refuses empty, over-long and non-visible-ASCII keys as a validation error', () => {
    for (const bad of ['', 'x'.repeat(256), 'a b', 'é']) {
      expect(() => idempotencyKeyOf(bad, { required: false })).toThrow(expect.objectContaining({ code: 'validation_failed' }) as AppError);
    }
    expect(idempotencyKeyOf('x'.repeat(255), { required: false })).toHaveLength(255);
  });
});

describe('settlementOf', () => {
  const pending = (stored: boolean) => ({ owner: 't', scope: 'POST /v1/events', key: 'k', statusCode: 202, stored });
  it('nothing to do without a claimed key', () => {
    expect(settlementOf(undefined, 202)).toBeNull();
    expect(settlementOf(undefined, 500)).toBeNull();
  });
  it('stores a success unless the handler already did', () => {
    expect(settlementOf(pending(false), 202)).toBe('complete');
    expect(settlementOf(pending(true), 201)).toBeNull();
  });
  it('releases the key on any failure, stored or not', () => {
    expect(settlementOf(pending(false), 400)).toBe('release');
    expect(settlementOf(pending(true), 503)).toBe('release');
  });
});

describe('storedJson', () => {
  it('keeps a JSON body as sent', () => {
    expect(storedJson('{"a":1}', 'application/json; charset=utf-8')).toBe('{"a":1}');
    expect(storedJson(Buffer.from('[1]'), 'application/problem+json')).toBe('[1]');
  });
  it('stores other text as a JSON string, and no body as NULL', () => {
    expect(storedJson('ok', 'text/plain; charset=utf-8')).toBe('"ok"');
    expect(storedJson('', 'application/json')).toBeNull();
    expect(storedJson(undefined, undefined)).toBeNull();
  });
});
