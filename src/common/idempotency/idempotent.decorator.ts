import { applyDecorators, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IDEMPOTENCY_METADATA, IdempotencyGuard, IdempotencyOptions, IdempotentReplayFilter } from './idempotency.guard';

/**
 * The route honours `Idempotency-Key` (24 h); `required` makes a missing key a 400 (the jobs API). Its guard runs
 * after the global ones; name no route guard after it (a refusal there would claim and release a key for nothing).
 */
export function Idempotent(options: IdempotencyOptions = { required: false }) {
  return applyDecorators(
    SetMetadata(IDEMPOTENCY_METADATA, options),
    UseGuards(IdempotencyGuard),
    UseFilters(IdempotentReplayFilter),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required,
      description: 'Same key + same body within 24 h returns the original response; a different body is 409',
      schema: { type: 'string', maxLength: 255 },
    }),
  );
}
