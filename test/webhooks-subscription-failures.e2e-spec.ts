import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SubscriptionEffect, subscriptionFailuresSql } from '../src/modules/webhooks/subscription-failures';
import { cloneTemplate, dropDatabase } from './support/database';

/** The webhooks module's failure rule on its own, as the deliveries' record statement composes it. */
describe('subscriptionFailuresSql: N deads in a row or a 410 disable a subscription', () => {
  const name = `se_sub_failures_${randomUUID().replace(/-/g, '')}`;
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: await cloneTemplate(name) });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await dropDatabase(name);
  });

  /** Applies one batch of effects with threshold 3. */
  async function apply(effects: [string, SubscriptionEffect][]): Promise<void> {
    await db.query(
      `WITH recorded AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS r(subscription_id, effect)), ${subscriptionFailuresSql('recorded', '$3')}
       SELECT 1`,
      [effects.map(([id]) => id), effects.map(([, effect]) => effect), 3],
    );
  }
  async function subscription(consecutiveFailures: number): Promise<string> {
    const id = randomUUID();
    await db.query(
      `INSERT INTO webhook_subscriptions (id, tenant_id, url, sealed_secret, consecutive_failures, updated_at)
       VALUES ($1, $2, 'https://example.com/hook', 'sealed', $3, '2020-01-01T00:00:00Z')`,
      [id, randomUUID(), consecutiveFailures],
    );
    return id;
  }
  const row = async (id: string) =>
    (await db.query(`SELECT consecutive_failures, state, disabled_at, updated_at FROM webhook_subscriptions WHERE id = $1`, [id])).rows[0];

  it('a success resets the count before the deads of the same batch are added', async () => {
    const sub = await subscription(2);
    await apply([[sub, 'dead'], [sub, 'success'], [sub, 'dead']]);
    expect(await row(sub)).toMatchObject({ consecutive_failures: 2, state: 'active', disabled_at: null });
  });

  it('deads add up and disable at the threshold', async () => {
    const sub = await subscription(1);
    await apply([[sub, 'dead']]);
    expect(await row(sub)).toMatchObject({ consecutive_failures: 2, state: 'active' });
    await apply([[sub, 'dead']]);
    expect(await row(sub)).toMatchObject({ consecutive_failures: 3, state: 'disabled', disabled_at: expect.any(Date) });
  });

  it('a 410 disables at once', async () => {
    const sub = await subscription(0);
    await apply([[sub, 'gone']]);
    expect(await row(sub)).toMatchObject({ consecutive_failures: 1, state: 'disabled', disabled_at: expect.any(Date) });
  });

  it('retries (no effect) and successes on a clean count leave the row untouched', async () => {
    const sub = await subscription(0);
    const before = await row(sub);
    await apply([[sub, null], [sub, 'success']]);
    expect(await row(sub)).toEqual(before);
  });

  it('a success on a failing subscription resets it without touching updated_at', async () => {
    const sub = await subscription(2);
    await apply([[sub, 'success']]);
    expect(await row(sub)).toMatchObject({ consecutive_failures: 0, state: 'active', updated_at: new Date('2020-01-01T00:00:00Z') });
  });

  it('each subscription of a batch counts its own effects', async () => {
    const [a, b] = [await subscription(2), await subscription(0)];
    await apply([[a, 'dead'], [b, 'dead']]);
    expect(await row(a)).toMatchObject({ consecutive_failures: 3, state: 'disabled' });
    expect(await row(b)).toMatchObject({ consecutive_failures: 1, state: 'active' });
  });
});
