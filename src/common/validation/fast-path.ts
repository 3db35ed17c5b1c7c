/**
 * A hand-written check for a hot DTO that builds the validated instance when the input is valid as it is, and
 * answers `undefined` otherwise; the validation pipe then runs class-validator as for any DTO, so every problem
 * body (field names, messages, their order) stays class-validator's. The check must accept only inputs the DTO's
 * decorators accept and build what class-transformer with `whitelist` builds (a spec compares both ways).
 */
export type FastPath<T> = (input: Record<string, unknown>) => T | undefined;

const FAST_PATH = Symbol('fastPath');

/** Declares a DTO's fast path (next to its decorators, so both change together). */
export function ValidatedFast<T>(check: FastPath<T>): (target: abstract new () => T) => void {
  return (target) => {
    Reflect.defineMetadata(FAST_PATH, check, target);
  };
}

/** The DTO instance when `metatype` has a fast path that accepts `value`, else undefined. */
export function validateFast(metatype: unknown, value: unknown): object | undefined {
  if (typeof metatype !== 'function' || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const check = Reflect.getOwnMetadata(FAST_PATH, metatype) as FastPath<object> | undefined;
  return check?.(value as Record<string, unknown>);
}

/** class-validator's `@IsObject()`: a non-null object that is not an array. */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
