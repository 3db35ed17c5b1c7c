import { isDeepStrictEqual } from 'node:util';
import { FieldErrors } from '../errors/app-error';

export const camelCase = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const snakeCase = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * The `/api` send-jobs routes take snake_case and camelCase keys. Returns the body with snake_case keys only; a field given both
 * ways with different values is an error on the snake_case name.
 */
export function toSnakeKeys(body: Record<string, unknown>): { value: Record<string, unknown>; errors: FieldErrors } {
  const value: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const [key, v] of Object.entries(body)) {
    const snake = snakeCase(key);
    if (snake in value && !isDeepStrictEqual(value[snake], v)) {
      errors[snake] = [`given as both ${snake} and ${camelCase(snake)} with different values`];
      continue;
    }
    value[snake] = v;
  }
  return { value, errors };
}

/** A response with every snake_case key also under its camelCase name (the `/api` send-jobs contract requires both). */
export function withCamelKeys<T extends Record<string, unknown>>(obj: T): T & Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj };
  for (const [k, v] of Object.entries(obj)) {
    const camel = camelCase(k);
    if (camel !== k) out[camel] = v;
  }
  return out as T & Record<string, unknown>;
}
