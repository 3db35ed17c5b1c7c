import { SetMetadata } from '@nestjs/common';

export const VALIDATION_STATUS = 'validation_status';

/**
 * The status a route family answers validation errors with: 422 for `/api/*`, `/webhooks/*` and seed 002,
 * 400 for `/jobs` and the seed-003 `/v1/*` routes. Declared on each controller.
 */
export const ValidationStatus = (status: 400 | 422) => SetMetadata(VALIDATION_STATUS, status);
