import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { eventually, WebhookReceiver } from './peers/webhook-receiver';
import { createTestApp, TestApp } from './support/app';
import { createTenant } from './support/auth';
import { ensureConsoleBuild, launchBrowser, SCREENSHOTS } from './support/browser';
import { createJob, seedList } from './support/send-jobs';

/**
 * The console in a real browser (Debian's Chromium through playwright-core) against the real app, a real
 * webhook receiver and the file mail transport. Screenshots of every page land in var/screenshots/.
 */
describe('web console (browser)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let tenant: Awaited<ReturnType<typeof createTenant>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const cspErrors: string[] = [];

  const shot = (name: string, p: Page = page) => p.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
  const auth = () => ({ Authorization: `Bearer ${tenant.editor}` });

  async function mintLink(role: 'viewer' | 'editor' = 'editor'): Promise<string> {
    const res = await request(t.url).post(`/api/tenants/${tenant.id}/console-links`).set(auth()).send({ role });
    expect(res.status).toBe(201);
    expect(res.body.role).toBe(role);
    const url = new URL(res.body.url as string);
    expect(url.pathname).toBe('/console/');
    expect(url.hash).toMatch(/^#\/open\/[A-Za-z0-9_-]{43}$/);
    return `${t.url}${url.pathname}${url.hash}`; // PUBLIC_BASE_URL points elsewhere in tests
  }

  async function newPage(context: BrowserContext): Promise<Page> {
    const p = await context.newPage();
    p.setDefaultTimeout(20_000);
    p.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    return p;
  }

  async function publish(type: string): Promise<string> {
    const res = await request(t.url).post('/v1/events').set(auth()).send({ type, payload: { n: Math.random() } });
    expect(res.status).toBe(202);
    return res.body.id as string;
  }

  const deadCount = async () =>
    (await t.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE tenant_id = $1 AND status = 'dead'`, [tenant.id])).rows[0].n as number;

  beforeAll(async () => {
    ensureConsoleBuild();
    receiver = await WebhookReceiver.start();
    receiver.script('/gone', { status: 404, body: 'no such hook' });
    t = await createTestApp({ env: { MAIL_TRANSPORT: 'file', MAIL_FILE_DIR: mkdtempSync(join(tmpdir(), 'se-console-mail-')), SEND_RATE_PER_SECOND: '2' } });
    tenant = await createTenant(t, 'Acme Console');
    browser = await launchBrowser();
    page = await newPage(browser.context);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
  });

  it('serves the console with a strict CSP and no asset from elsewhere', async () => {
    const res = await request(t.url).get('/console/');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect(res.text).not.toMatch(/(src|href)="https?:/); // every asset from the engine
    const script = /<script[^>]*src="([^"]+)"/.exec(res.text)![1];
    const asset = await request(t.url).get(script);
    expect([asset.status, asset.headers['content-security-policy']]).toEqual([200, res.headers['content-security-policy']]);
    expect((await request(t.url).get('/console')).status).toBe(200);
    expect((await request(t.url).get('/console/assets/nothing.js')).status).toBe(404);
  });

  it('opens a magic link and creates an endpoint with a one-time secret reveal', async () => {
    await page.goto(await mintLink());
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(page.url()).not.toContain('/open/'); // the token left the address bar
    const cookies = await browser.context.cookies(); // every path
    const session = cookies.find((c) => c.name === 'se_console' && c.path === '/console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies.filter((c) => c.name === 'se_console').map((c) => c.path).sort()).toEqual(['/api', '/console', '/v1']);

    await page.getByText('Add an endpoint').click();
    await page.getByLabel('Name').fill('Orders');
    await page.getByLabel('URL').fill(receiver.url('/ok'));
    await page.getByLabel('Event filter').fill('order.*');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = await page.getByTestId('secret').textContent();
    expect(secret).toMatch(/^whsec_/);
    await page.getByText(receiver.url('/ok'), { exact: true }).waitFor();
    await shot('endpoints');
    const rows = await t.db.query(`SELECT url, event_filter FROM webhook_subscriptions WHERE tenant_id = $1`, [tenant.id]);
    expect(rows.rows).toEqual([{ url: receiver.url('/ok'), event_filter: 'order.*' }]);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByTestId('secret').count()).toBe(0);
  });

  it('pauses, resumes and pings an endpoint', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('⏸ paused').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('● active').waitFor();
    await page.getByRole('button', { name: 'Test ping' }).click();
    await page.getByRole('status', { name: 'Test ping answer' }).waitFor();
    expect(await page.getByRole('status', { name: 'Test ping answer' }).textContent()).toContain('✓ accepted');
    await shot('endpoint-ping');
  });

  it('shows a delivery arrive live and opens its attempts', async () => {
    await page.getByRole('link', { name: 'Live deliveries' }).click();
    await page.getByTestId('stream-state').filter({ hasText: 'connected' }).waitFor();
    const before = receiver.on('/ok').length;
    await publish('order.created');
    await receiver.waitFor('/ok', before + 1);
    await page.getByRole('cell', { name: '✓ success' }).first().waitFor();
    await shot('live');

    await page.getByRole('table').getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Attempt 1', exact: false }).waitFor();
    const timeline = await page.locator('.timeline').textContent();
    expect(timeline).toContain('Response status200');
    expect(timeline).toContain('ok'); // the receiver's body
    await page.getByText('Request headers', { exact: false }).click();
    const sent = receiver.on('/ok').at(-1)!.headers['webhook-signature'] as string;
    await page.getByText(sent, { exact: true }).waitFor(); // the headers the attempt sent, as the receiver got them
    await shot('delivery');
  });

  it('lists events with their delivery summary, filtered by type', async () => {
    await publish('invoice.paid'); // matches no endpoint
    await page.getByRole('link', { name: 'Event log' }).click();
    await page.getByRole('cell', { name: 'invoice.paid' }).waitFor();
    await page.getByLabel('Type').fill('order.created');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('cell', { name: 'invoice.paid' }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: '1 total · 1 succeeded · 0 failed · 0 pending' }).waitFor();
    await shot('events');
  });

  it('replays a dead letter, then dry-runs and runs a bulk recover', async () => {
    const gone = await request(t.url).post('/v1/subscriptions').set(auth()).send({ name: 'Broken', url: receiver.url('/gone'), event_filter: 'order.*' });
    expect(gone.status).toBe(201);
    for (let i = 0; i < 3; i++) await publish('order.updated');
    await eventually(async () => (await deadCount()) === 3, 30_000, 'three dead letters');

    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByRole('checkbox').first().waitFor();
    await page.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Replay selected (1)' }).click();
    await page.getByText('Replayed 1 dead letter(s)').waitFor();
    await receiver.waitFor('/gone', 4);
    await eventually(async () => (await deadCount()) === 3, 30_000, 'the replayed letter dead again');
    await shot('dead-letters');

    const since = new Date(Date.now() - 3600_000);
    const local = new Date(since.getTime() - since.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Died since').fill(local);
    await page.getByRole('button', { name: 'Dry run (count only)' }).click();
    await page.getByTestId('recovery').filter({ hasText: '3 dead letter(s) would be replayed' }).waitFor();
    expect(receiver.on('/gone')).toHaveLength(4); // a dry run replays nothing

    await page.getByRole('button', { name: 'Recover', exact: true }).click();
    await page.getByTestId('recovery').filter({ hasText: '3 of 3 replayed' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('recovery').filter({ hasText: 'completed' }).waitFor({ timeout: 30_000 });
    await receiver.waitFor('/gone', 7);
    await shot('recover');
    const recoveries = await t.db.query(`SELECT dry_run, status, total, replayed FROM dead_letter_recoveries WHERE tenant_id = $1 ORDER BY created_at`, [tenant.id]);
    expect(recoveries.rows).toEqual([
      { dry_run: true, status: 'completed', total: 3, replayed: 0 },
      { dry_run: false, status: 'completed', total: 3, replayed: 3 },
    ]);
  });

  it('shows a running campaign\'s progress and cancels it', async () => {
    const { listId } = await seedList(t.db, tenant.id, 40);
    const jobId = await createJob(t, tenant.editor, { list_id: listId, name: 'Winter sale', subject: 'Winter sale', body_text: 'Hello' });
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByText('▶ running').waitFor({ timeout: 30_000 });
    await page.getByTestId('sent-total').filter({ hasText: /^[1-9]\d* \/ 40$/ }).waitFor({ timeout: 30_000 });
    await shot('campaigns');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('⊘ cancelled').waitFor();
    const job = await t.db.query(`SELECT status FROM send_jobs WHERE id = $1`, [jobId]);
    expect(job.rows[0].status).toBe('cancelled');
  });

  it('searches suppressions and lifts one', async () => {
    const { members } = await seedList(t.db, tenant.id, 3, { prefix: 'bounced', suppress: [0, 1] });
    await page.getByRole('link', { name: 'Suppressions' }).click();
    await page.getByRole('cell', { name: members[0].email }).waitFor();
    await page.getByLabel('Email contains').fill('bounced-1');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('cell', { name: members[0].email }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: members[1].email }).waitFor();
    await shot('suppressions');
    await page.getByRole('button', { name: 'Lift' }).click();
    await page.getByText(`Lifted ${members[1].email}`).waitFor();
    const row = await t.db.query(`SELECT lifted_at FROM suppressions WHERE tenant_id = $1 AND email = $2`, [tenant.id, members[1].email]);
    expect(row.rows[0].lifted_at).not.toBeNull();
  });

  it('refuses a reused link and an expired one', async () => {
    const link = await mintLink();
    const first = await launchBrowser();
    const p1 = await newPage(first.context);
    await p1.goto(link);
    await p1.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await first.close();

    const second = await launchBrowser();
    const p2 = await newPage(second.context);
    await p2.goto(link);
    await p2.getByRole('heading', { name: 'Cannot open the console' }).waitFor();
    expect(await p2.getByRole('alert').textContent()).toContain('already used');
    expect(await second.context.cookies()).toEqual([]);
    await shot('link-reused', p2);

    const expired = await mintLink();
    await t.db.query(`UPDATE console_links SET expires_at = now() - interval '1 minute' WHERE tenant_id = $1 AND used_at IS NULL`, [tenant.id]);
    await p2.goto('about:blank');
    await p2.goto(expired);
    await p2.getByRole('heading', { name: 'Cannot open the console' }).waitFor();
    expect(await p2.getByRole('alert').textContent()).toContain('expired');
    await second.close();
  });

  it('gives a viewer link a read-only console whose writes the engine refuses', async () => {
    const viewer = await launchBrowser({ width: 390, height: 844 }); // phone width
    try {
      await viewerChecks(await newPage(viewer.context));
    } finally {
      await viewer.close();
    }
  });

  async function viewerChecks(p: Page): Promise<void> {
    await p.goto(await mintLink('viewer'));
    await p.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await p.getByText('Read-only (viewer)').waitFor();
    expect(await p.getByText('Add an endpoint').count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await shot('viewer-phone', p);

    // Keyboard only: focus starts on the page heading; Shift+Tab walks back through the navigation; Enter follows
    // a link and focus lands on the new page's heading.
    const focused = async () => (await p.locator(':focus').textContent())?.trim();
    await p.locator('h1:focus').waitFor();
    for (let i = 0; i < 8 && (await focused()) !== 'Event log'; i++) await p.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Event log');
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Event log' }).waitFor();
    await p.locator('h1:focus').waitFor();

    // Even a hand-made request with the session's CSRF token is refused: the session is a viewer.
    const attempt = await p.evaluate(async () => {
      const s = (await (await fetch('/console/session')).json()) as { csrf_token: string };
      const post = (headers: Record<string, string>) =>
        fetch('/v1/subscriptions', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ url: 'http://127.0.0.1:9/x' }) });
      const withCsrf = await post({ 'x-csrf-token': s.csrf_token });
      const withoutCsrf = await post({});
      const reason = async (r: Response) => ((await r.json()) as { reason: string }).reason;
      return { withCsrf: [withCsrf.status, await reason(withCsrf)], withoutCsrf: [withoutCsrf.status, await reason(withoutCsrf)] };
    });
    expect(attempt).toEqual({ withCsrf: [403, 'insufficient_role'], withoutCsrf: [403, 'csrf_failed'] });
  }

  it('kept every page within its CSP', () => {
    expect(cspErrors).toEqual([]);
  });
});
