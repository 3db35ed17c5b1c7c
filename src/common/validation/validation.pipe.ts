import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldErrors } from '../errors/app-error';
import { isNullable } from './decorators';
import { validateFast } from './fast-path';

/** Flattens class-validator's tree into `field.path → messages`. */
export function toFieldErrors(errors: ValidationError[], prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[path] = Object.values(e.constraints);
    if (e.children?.length) Object.assign(out, toFieldErrors(e.children, path));
  }
  return out;
}

const isDto = (v: unknown): v is object =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype;

/**
 * Deletes own properties left `undefined`: compiled with ES2022 class fields (the build), a DTO instance has
 * every declared property, so spreading a PATCH body would overwrite stored values with `undefined`.
 */
export function dropUndefined(dto: object): void {
  for (const [key, value] of Object.entries(dto)) {
    if (value === undefined) delete (dto as Record<string, unknown>)[key];
    else for (const v of Array.isArray(value) ? value : [value]) if (isDto(v)) dropUndefined(v);
  }
}

/** `null` in every property of a validated DTO (nested DTOs too) that is not marked `@Nullable()`. */
export function unexpectedNulls(dto: object, prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, value] of Object.entries(dto)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value === null && !isNullable(dto, key)) out[path] = [`${key} must not be null`];
    const children = Array.isArray(value) ? value.map((v, i) => [`${path}.${i}`, v] as const) : [[path, value] as const];
    for (const [p, v] of children) if (isDto(v)) Object.assign(out, unexpectedNulls(v, p));
  }
  return out;
}

/** Whitelist + transform; failures become `validation_failed` with per-field `errors`; `null` only where declared. */
class AppValidationPipe extends ValidationPipe {
  constructor(
    options: ConstructorParameters<typeof ValidationPipe>[0],
    private readonly fastPaths: boolean,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A hot DTO's own check builds a valid body directly; anything it does not accept gets the full validation.
    const fast = this.fastPaths && metadata.type === 'body' ? validateFast(metadata.metatype, value) : undefined;
    if (fast) return fast;
    const out: unknown = await super.transform(value, metadata);
    // Only what the pipe itself built: an instance of the declared DTO class (a streamed upload is left alone).
    const built = isDto(out) && typeof metadata.metatype === 'function' && metadata.metatype !== Object && out instanceof metadata.metatype;
    if (!built) return out;
    dropUndefined(out);
    if (metadata.type === 'body') {
      const nulls = unexpectedNulls(out);
      if (Object.keys(nulls).length > 0) throw AppError.validation(nulls);
    }
    return out;
  }
}

/** `fastPaths: false` only in specs that compare a DTO's fast path with the full validation. */
export function createValidationPipe({ fastPaths = true } = {}): ValidationPipe {
  return new AppValidationPipe(
    {
      whitelist: true,
      transform: true,
      forbidUnknownValues: false,
      stopAtFirstError: false,
      exceptionFactory: (errors) => AppError.validation(toFieldErrors(errors)),
    },
    fastPaths,
  );
}
