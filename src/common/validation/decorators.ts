import { applyDecorators } from '@nestjs/common';
import { Type as TransformType } from 'class-transformer';
import { IsISO8601, IsObject, IsOptional, Matches, Max, ValidateBy, ValidateNested } from 'class-validator';

const NULLABLE = Symbol('nullable');
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
/** The largest value a Postgres `integer` column holds. */
export const MAX_INT32 = 2_147_483_647;

/**
 * A property that may be `null` (and absent). Everything else refuses `null`: the validation pipe rejects a
 * `null` for any property not marked so, because `@IsOptional()` alone lets it through to NOT NULL columns.
 */
export function Nullable(): PropertyDecorator {
  return applyDecorators(IsOptional(), (target: object, key: string | symbol) => {
    Reflect.defineMetadata(NULLABLE, true, target, key);
  });
}

export function isNullable(target: object, key: string): boolean {
  return Reflect.getMetadata(NULLABLE, target, key) === true;
}

/** A string JavaScript's Date parses to a real instant (ISO-8601 admits forms it cannot: `2020-W01-1`). */
function ParsesAsDate(): PropertyDecorator {
  return ValidateBy({
    name: 'parsesAsDate',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
      defaultMessage: () => '$property must be a date-time such as 2026-01-31T09:30:00Z',
    },
  });
}

/**
 * An ISO-8601 timestamp that both JavaScript and Postgres read the same way. `zone: true` (default) requires an
 * RFC 3339 date-time with a time zone; `zone: false` also takes a bare date or a local time (query filters).
 */
export function IsTimestamp(opts: { zone?: boolean } = {}): PropertyDecorator {
  const decorators = [IsISO8601({ strict: true }, { message: '$property must be an ISO-8601 date-time' }), ParsesAsDate()];
  if (opts.zone !== false) decorators.push(Matches(RFC3339, { message: '$property must include a time and a time zone' }));
  return applyDecorators(...decorators);
}

/**
 * A nested object validated as `type`. Required unless marked `@IsOptional()`: `@ValidateNested()` alone passes
 * `undefined` and arrays, which is how a missing `subscriber` once reached the service as a 500.
 */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  return applyDecorators(IsObject(), ValidateNested(), TransformType(type));
}

/** An integer that fits a Postgres `integer` column (class-validator's IsInt knows no bound). */
export function FitsInt32(): PropertyDecorator {
  return Max(MAX_INT32);
}
