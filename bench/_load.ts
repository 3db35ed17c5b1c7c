/**
 * An open-loop load generator: requests leave at evenly spaced times (a fixed rate, not bursts), and each
 * latency is measured from the moment its request was *due*, so a server (or generator) that falls behind shows
 * up in the percentiles instead of silently lowering the rate (no coordinated omission).
 */
import { Pool } from 'undici';

export interface FixedRateOptions {
  url: string;
  path: string;
  rate: number;
  durationS: number;
  headers?: Record<string, string>;
  body: (i: number) => string;
  /** Connections the client may open; enough that requests never queue client-side at this rate. */
  connections?: number;
}

export interface FixedRateResult {
  sent: number;
  ok: number;
  errors: number;
  non2xx: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Requests per second actually completed. */
  achieved: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function fixedRate(o: FixedRateOptions): Promise<FixedRateResult> {
  const pool = new Pool(o.url, { connections: o.connections ?? 200, pipelining: 1 });
  const total = Math.round(o.rate * o.durationS);
  const latencies = new Float64Array(total);
  const interval = 1000 / o.rate;
  let sent = 0;
  let done = 0;
  let ok = 0;
  let errors = 0;
  let non2xx = 0;
  const started = performance.now();
  const headers = { 'content-type': 'application/json', ...o.headers };

  const fire = (i: number): Promise<void> => {
    const due = started + i * interval;
    return pool
      .request({ path: o.path, method: 'POST', headers, body: o.body(i) })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) ok++;
        else non2xx++;
      }, () => {
        errors++;
      })
      .finally(() => {
        latencies[i] = performance.now() - due;
        done++;
      });
  };

  const inFlight: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      while (sent < due) inFlight.push(fire(sent++));
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  const sorted = latencies.slice(0, done).sort();
  return {
    sent, ok, errors, non2xx,
    p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN,
    achieved: done / elapsed,
  };
}

/** A ladder step passes when its p99 is within the limit and every request was answered 2xx. */
export function stepPassed(r: FixedRateResult, p99LimitMs: number): boolean {
  return r.p99 <= p99LimitMs && r.ok === r.sent && r.errors === 0 && r.non2xx === 0;
}

/**
 * The highest rate of a ladder below which every rate passed (0 when the first missed). A rate may have been run
 * more than once (a miss confirmed by a second run): it passed when any of its runs did.
 */
export function highestPassed(steps: { rate: number; passed: boolean }[]): number {
  let best = 0;
  for (const rate of [...new Set(steps.map((s) => s.rate))]) {
    if (!steps.some((s) => s.rate === rate && s.passed)) break;
    best = rate;
  }
  return best;
}
