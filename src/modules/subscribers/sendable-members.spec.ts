import { activeSuppressionSql, listRecipientsSql, RECIPIENT_SKIP_REASON_SQL, recipientStateJoinsSql } from './sendable-members';

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('sendable members (SQL fragments SendJobs embeds)', () => {
  it('an active suppression is one not lifted, of the lower-cased address, in the tenant', () => {
    expect(activeSuppressionSql('$2', 'lower(s.email)')).toBe(
      'EXISTS (SELECT 1 FROM suppressions x WHERE x.tenant_id = $2 AND x.email = lower(s.email) AND x.lifted_at IS NULL)',
    );
  });

  it("a list's recipients: active memberships of active subscribers, one per address, suppression flagged", () => {
    const sql = oneLine(listRecipientsSql('$2', '$3'));
    expect(sql).toMatch(/^SELECT DISTINCT ON \(lower\(s\.email\)\) s\.id AS subscriber_id, lower\(s\.email\) AS email, EXISTS .* AS suppressed FROM list_memberships lm/);
    expect(sql).toContain("WHERE lm.tenant_id = $2 AND lm.list_id = $3 AND lm.status = 'active' AND s.status = 'active'");
    expect(sql).toMatch(/ORDER BY lower\(s\.email\), s\.id$/); // the lowest subscriber id wins a shared address
  });

  it('at claim time a suppression wins over an ended membership; an active member of an active subscriber is sent', () => {
    const reason = oneLine(RECIPIENT_SKIP_REASON_SQL);
    expect(reason).toBe(
      "CASE WHEN x.id IS NOT NULL THEN 'suppressed' WHEN lm.status IS DISTINCT FROM 'active' OR s.status IS DISTINCT FROM 'active' THEN 'unsubscribed' END",
    );
    const joins = oneLine(recipientStateJoinsSql('$2', '$3', 'm.subscriber_id', 'm.email'));
    expect(joins).toBe(
      'LEFT JOIN subscribers s ON s.tenant_id = $2 AND s.id = m.subscriber_id ' +
        'LEFT JOIN list_memberships lm ON lm.tenant_id = $2 AND lm.list_id = $3 AND lm.subscriber_id = m.subscriber_id ' +
        'LEFT JOIN suppressions x ON x.tenant_id = $2 AND x.email = m.email AND x.lifted_at IS NULL',
    );
  });
});
