/**
 * Who a campaign may email, as SQL fragments for SendJobs' set-based statements: materialising a list's
 * recipients and re-checking them at claim time are one statement per batch, so they cannot call this module
 * per recipient. The rule, owned here: a recipient is an **active** membership of an **active** subscriber; an
 * address with an active (not lifted) suppression is skipped as `suppressed`, which wins over `unsubscribed`.
 * Arguments are SQL placeholders or column expressions of the caller's statement.
 */

/** Whether `email` (already lower-cased) has an active suppression in `tenant`. */
export function activeSuppressionSql(tenant: string, email: string): string {
  return `EXISTS (SELECT 1 FROM suppressions x WHERE x.tenant_id = ${tenant} AND x.email = ${email} AND x.lifted_at IS NULL)`;
}

/**
 * The list's sendable members, one row per lower-cased address (the lowest subscriber id wins):
 * `subscriber_id, email, suppressed`.
 */
export function listRecipientsSql(tenant: string, list: string): string {
  return `SELECT DISTINCT ON (lower(s.email)) s.id AS subscriber_id, lower(s.email) AS email, ${activeSuppressionSql(tenant, 'lower(s.email)')} AS suppressed
         FROM list_memberships lm
         JOIN subscribers s ON s.tenant_id = lm.tenant_id AND s.id = lm.subscriber_id
         WHERE lm.tenant_id = ${tenant} AND lm.list_id = ${list} AND lm.status = 'active' AND s.status = 'active'
         ORDER BY lower(s.email), s.id`;
}

/**
 * Joins one recipient's subscriber (`s`), membership (`lm`) and active suppression (`x`), each on a unique key
 * (one row each: the planner would hash the whole list for an EXISTS per claim).
 */
export function recipientStateJoinsSql(tenant: string, list: string, subscriberId: string, email: string): string {
  return `LEFT JOIN subscribers s ON s.tenant_id = ${tenant} AND s.id = ${subscriberId}
         LEFT JOIN list_memberships lm ON lm.tenant_id = ${tenant} AND lm.list_id = ${list} AND lm.subscriber_id = ${subscriberId}
         LEFT JOIN suppressions x ON x.tenant_id = ${tenant} AND x.email = ${email} AND x.lifted_at IS NULL`;
}

/** Over recipientStateJoinsSql: why the recipient must be skipped now, or NULL when it may be sent. */
export const RECIPIENT_SKIP_REASON_SQL = `CASE
           WHEN x.id IS NOT NULL THEN 'suppressed'
           WHEN lm.status IS DISTINCT FROM 'active' OR s.status IS DISTINCT FROM 'active' THEN 'unsubscribed'
         END`;
