/** Statuses of a subscriber and of a list membership (seed 000 SubscriberPayload.status). */
export const SUBSCRIBER_STATUSES = ['active', 'unsubscribed', 'bounced', 'complaint', 'suppressed'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/** Why an address is on a tenant's suppression list. */
export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'soft_bounce_limit', 'manual', 'member_center'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** The status a suppressed address shows on its subscriber and memberships. */
export function statusForSuppression(reason: SuppressionReason): SubscriberStatus {
  if (reason === 'hard_bounce') return 'bounced';
  if (reason === 'complaint') return 'complaint';
  return 'suppressed';
}

/** Member Center statuses that mean "do not send": recorded on the tenant's suppression list. */
export const SUPPRESSING_STATUSES: readonly SubscriberStatus[] = ['bounced', 'complaint', 'suppressed'];

/** Addresses are compared case-insensitively; stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
