/**
 * `npm run bench -- jobs`: 10,000 jobs submitted over HTTP (`POST /jobs`, several in flight, each with a
 * `webhookUrl`) to the engine as an `api` and a `worker` process, the SES peer answering at once, rate limits off.
 * Figure: jobs/s from the first submit to the last completion callback received. Ceiling, same run, same machine:
 * a bare `SESv2Client` SendEmail loop with the worker's concurrency to the same SES peer. BENCH_CPU_PROF=<dir>
 * writes `jobs-api.cpuprofile` and `jobs-worker.cpuprofile` there (the load window only).
 */
import { Pool } from 'undici';
import { signToken } from '../src/common/auth/token-issuer';
import { JOB_CONCURRENCY } from '../src/modules/send-jobs/jobs/jobs.processor';
import { SesPeer } from '../test/peers/ses-peer';
import { sesCeiling } from './_ses-ceiling';
import { ask, benchRun, CpuWindow, formatCpu, json, JWT_SECRET, loop, startProfiles, stopProfiles, waitForReceived } from './_harness';

// BENCH_JOBS shrinks the run on a machine too busy for 10k in a few minutes (the figure is a rate).
const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
/** Submissions in flight at once. */
const IN_FLIGHT = Number(process.env.BENCH_JOBS_IN_FLIGHT ?? 16);

/** A tenant with a callback secret, and an editor token for it. */
async function setUp(base: string): Promise<{ tenantId: string; token: string }> {
  const admin = signToken(JWT_SECRET, { subject: 'bench', tenantId: null, roles: ['admin'], ttlSeconds: 3600 });
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const tenant = await json<{ id: string }>(await fetch(`${base}/api/tenants`, { method: 'POST', headers, body: JSON.stringify({ name: `bench ${Date.now()}` }) }));
  await json(await fetch(`${base}/api/tenants/${tenant.id}/callback-secret`, { method: 'POST', headers: { authorization: headers.authorization } }));
  return { tenantId: tenant.id, token: signToken(JWT_SECRET, { subject: 'bench', tenantId: tenant.id, roles: ['editor'], ttlSeconds: 3600 }) };
}

export async function run(): Promise<void> {
  const ses = new SesPeer(false);
  try {
    const endpoint = await ses.start();
    await benchRun('jobs', async (run) => {
      const receiver = await run.peer('_receiver.ts');
      const engine = await run.engine({ MAIL_TRANSPORT: 'ses', SES_ENDPOINT: endpoint, SEND_RATE_PER_SECOND: '0', JOBS_PER_MINUTE: '10000000' });
      const { tenantId, token } = await setUp(engine.base);
      const ceilingBefore = await sesCeiling(endpoint, 10, JOB_CONCURRENCY);

      await ask(receiver, 'reset');
      const pool = new Pool(engine.base, { connections: IN_FLIGHT });
      const window = await CpuWindow.open([engine.db]);
      await startProfiles([engine.api, engine.worker]);
      const started = Date.now();
      await loop(JOBS, IN_FLIGHT, async (i) => {
        const res = await pool.request({
          path: '/jobs',
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${i}` },
          body: JSON.stringify({
            tenantId,
            type: 'email',
            payload: { to: `user${i}@bench.example`, subject: 'Hello', body: 'Welcome!' },
            webhookUrl: `http://127.0.0.1:${receiver.port}/job`,
          }),
        });
        if (res.statusCode !== 201) throw new Error(`POST /jobs answered ${res.statusCode}: ${await res.body.text()}`);
        await res.body.dump();
      });
      const submitSeconds = (Date.now() - started) / 1000;
      await pool.close();
      const stats = await waitForReceived(receiver, JOBS, 600_000, 'callbacks');
      const rate = stats.count / ((stats.last - started) / 1000);
      const parts = { api: engine.api.pid, worker: engine.worker.pid, receiver: receiver.child.pid, 'load generator + SES peer': process.pid };
      const cpu = await window.close(parts, stats.count);
      await stopProfiles({ 'jobs-api': engine.api, 'jobs-worker': engine.worker });
      const ceiling = Math.max(ceilingBefore, await sesCeiling(endpoint, 10, JOB_CONCURRENCY));

      console.log(`${JOBS} jobs over HTTP, ${IN_FLIGHT} submits in flight, api + worker process, SES peer, rate limits off`);
      console.log(`  engine  ${rate.toFixed(0)} jobs/s (first submit → last callback received; submits alone ${(JOBS / submitSeconds).toFixed(0)}/s)`);
      console.log(`  ceiling ${ceiling.toFixed(0)} emails/s (bare SESv2Client SendEmail loop, concurrency ${JOB_CONCURRENCY}, same SES peer)`);
      console.log(`  ratio   ${(rate / ceiling).toFixed(2)} (target ≥ 0.35)`);
      console.log(`  CPU ms per job (2 cores = 2,000 ms/s in all): ${formatCpu(cpu)}`);
    });
  } finally {
    await ses.stop();
  }
}
