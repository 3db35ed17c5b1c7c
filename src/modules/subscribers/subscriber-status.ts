/** Statuses of a subscriber and of a list membership (`subscriber.status` of Member Center payloads). */
export const SUBSCRIBER_STATUSES = ['active', 'unsubscribed', 'bounced', 'complaint', 'suppressed'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/** Why an address is on a tenant's suppression list (`ses_suppression`: SES reported it on its own suppression list). */
export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'soft_bounce_limit', 'ses_suppression', 'manual', 'member_center'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** The status a suppressed address shows on its subscriber and memberships. */
export function statusForSuppression(reason: SuppressionReason): SubscriberStatus {
  if (reason === 'hard_bounce') return 'bounced';
  if (reason === 'complaint') return 'complaint';
  return 'suppressed';
}

/** statusForSuppression as SQL, over a joined `suppressions` row aliased `sup` (NULL when not suppressed). */
export const SUPPRESSED_STATUS = `CASE WHEN sup.reason IS NULL THEN NULL WHEN sup.reason = 'hard_bounce' THEN 'bounced'
  WHEN sup.reason = 'complaint' THEN 'complaint' ELSE 'suppressed' END`;

/** Member Center statuses that mean "do not send": recorded on the tenant's suppression list. */
export const SUPPRESSING_STATUSES: readonly SubscriberStatus[] = ['bounced', 'complaint', 'suppressed'];

/** Addresses are compared case-insensitively; stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
