import { subscriptionFailuresSql } from './subscription-failures';

// The rule's effect on rows is proven against Postgres in test/webhooks-subscription-failures.e2e-spec.ts; here, what
// the fragment may touch: it is the webhooks module's part of another module's statement.
describe('subscriptionFailuresSql', () => {
  const sql = subscriptionFailuresSql('just_recorded', '$42');

  it('reads only the relation it is given and writes only webhook_subscriptions', () => {
    expect(sql).toMatch(/FROM just_recorded\b/);
    expect(sql.match(/\bwebhook_\w+/g)).toEqual(['webhook_subscriptions']);
    expect(sql.match(/\b(UPDATE|INSERT|DELETE)\b/g)).toEqual(['UPDATE']);
  });

  it('compares the failure count with the threshold it is given', () => {
    expect(sql).toContain('>= $42');
    expect(sql).not.toMatch(/\$(?!42\b)\d+/);
  });

  it('defines the CTEs effects and subscriptions, to follow other CTEs of a WITH', () => {
    expect(sql).toMatch(/^effects AS \(/);
    expect(sql).toMatch(/\), subscriptions AS \(/);
    expect(sql.trimEnd()).toMatch(/\)$/);
  });
});
