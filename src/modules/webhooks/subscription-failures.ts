/** What one recorded attempt does to its subscription's failure count: `gone` is a dead that disables (410 Gone). */
export type SubscriptionEffect = 'success' | 'dead' | 'gone' | null;

/**
 * The rule "a subscription is disabled after N dead deliveries in a row, or at once on 410 Gone", as the two CTEs
 * (`effects`, `subscriptions`) that a statement recording attempts appends, so the rule is applied in that same
 * statement. `recorded` names a relation with one row per attempt recorded now, with columns
 * `subscription_id uuid` and `effect text` (a `SubscriptionEffect`); `threshold` is the SQL of N (a parameter).
 *
 * Within one batch the attempts finished concurrently, so their order carries no meaning: successes count first,
 * then deads — failures = (any success ? 0 : failures) + deads; disabled on any 410 or when failures reach N. A
 * batch of one is the per-attempt rule. consecutive_failures is read in the UPDATE itself (not a CTE snapshot), so
 * concurrent statements never lose a count; effects are sorted by subscription id so concurrent statements tend to
 * lock rows in the same order.
 */
export function subscriptionFailuresSql(recorded: string, threshold: string): string {
  const failures = '(CASE WHEN e.succeeded THEN 0 ELSE s.consecutive_failures END + e.deads)';
  const disable = `(e.gone OR ${failures} >= ${threshold})`;
  return `effects AS (
  SELECT subscription_id,
         bool_or(effect = 'success') AS succeeded,
         count(*) FILTER (WHERE effect IN ('dead', 'gone')) AS deads,
         bool_or(effect = 'gone') AS gone
    FROM ${recorded}
   WHERE subscription_id IS NOT NULL AND effect IS NOT NULL
   GROUP BY subscription_id
   ORDER BY subscription_id
), subscriptions AS (
  UPDATE webhook_subscriptions s
     SET consecutive_failures = ${failures},
         state = CASE WHEN ${disable} THEN 'disabled' ELSE s.state END,
         disabled_at = CASE WHEN ${disable} THEN now() ELSE s.disabled_at END,
         updated_at = CASE WHEN e.deads > 0 THEN now() ELSE s.updated_at END
    FROM effects e
   WHERE s.id = e.subscription_id AND (e.deads > 0 OR s.consecutive_failures <> 0)
)`;
}
