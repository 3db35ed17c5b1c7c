import { WebhookSubscription } from './entities/webhook-subscription.entity';

/** A subscription as a delivery goes to it: where, with which headers, in which state, signed with which secrets. */
export type SubscriptionTarget = Pick<
  WebhookSubscription,
  'id' | 'url' | 'state' | 'headers' | 'format' | 'sealedSecret' | 'sealedPreviousSecret' | 'previousSecretExpiresAt'
>;

/** The target's columns as `subscriptionTargetSql` selects them (pg parses timestamptz → Date, jsonb → object). */
export interface SubscriptionTargetRow {
  s_id: string | null;
  s_url: string;
  s_state: WebhookSubscription['state'];
  s_headers: Record<string, string>;
  s_format: string;
  s_sealed_secret: string;
  s_sealed_previous_secret: string | null;
  s_previous_secret_expires_at: Date | null;
}

/**
 * The target's columns (aliased `s_*`) and the LEFT JOIN from a delivery row aliased `delivery`. The deliveries
 * module reads targets inside its own load statement (one SELECT per batch of attempts), so this module, the owner
 * of `webhook_subscriptions`, lends it the columns, the join and the row mapping.
 */
export function subscriptionTargetSql(delivery: string): { columns: string; join: string } {
  return {
    columns: `s.id AS s_id, s.url AS s_url, s.state AS s_state, s.headers AS s_headers, s.format AS s_format, s.sealed_secret AS s_sealed_secret,
       s.sealed_previous_secret AS s_sealed_previous_secret, s.previous_secret_expires_at AS s_previous_secret_expires_at`,
    join: `LEFT JOIN webhook_subscriptions s ON s.id = ${delivery}.subscription_id`,
  };
}

/** The target of a joined row; null when the delivery has no subscription or it was deleted. */
export function toSubscriptionTarget(r: SubscriptionTargetRow): SubscriptionTarget | null {
  if (!r.s_id) return null;
  return {
    id: r.s_id, url: r.s_url, state: r.s_state, headers: r.s_headers, format: r.s_format, sealedSecret: r.s_sealed_secret,
    sealedPreviousSecret: r.s_sealed_previous_secret, previousSecretExpiresAt: r.s_previous_secret_expires_at,
  };
}

/** Sealed secrets to sign with now, newest first: the current one, plus the previous one inside its grace window. */
export function sealedSigningSecrets(
  sub: Pick<WebhookSubscription, 'sealedSecret' | 'sealedPreviousSecret' | 'previousSecretExpiresAt'>,
  now = new Date(),
): string[] {
  const secrets = [sub.sealedSecret];
  if (sub.sealedPreviousSecret && sub.previousSecretExpiresAt && sub.previousSecretExpiresAt > now) secrets.push(sub.sealedPreviousSecret);
  return secrets;
}
