import { classifyResponse, ResponseSummary } from './classify-response';

/** What happens to a delivery after one attempt. */
export type AttemptOutcome =
  | { kind: 'success' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'dead'; reason: string; disableSubscription: boolean };

export interface AttemptResult extends ResponseSummary {
  /** The response's Retry-After header, if any. */
  retryAfter?: string | null;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or null when absent/unparsable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Delay before the attempt after `attemptsMade` attempts, or null when the schedule is exhausted
 * (schedule.length retries → schedule.length + 1 attempts in all). Jitter spreads ±20 % so a receiver that comes
 * back is not hit by every delivery at the same instant.
 */
export function retryDelayMs(schedule: readonly number[], attemptsMade: number, random: () => number = Math.random): number | null {
  const base = schedule[attemptsMade - 1];
  if (base === undefined) return null;
  return Math.round(base * 1000 * (0.8 + 0.4 * random()));
}

/** Longest Retry-After honoured, so a receiver cannot park a delivery forever. */
const MAX_RETRY_AFTER_MS = 12 * 60 * 60 * 1000;

/**
 * What happens after an attempt: `ok` succeeds; `refused` is dead at once (a 410 also disables the
 * subscription); `retryable` waits for the schedule's next delay (a 429 for its Retry-After), then is dead.
 */
export function decideOutcome(result: AttemptResult, attemptsMade: number, schedule: readonly number[], random: () => number = Math.random): AttemptOutcome {
  const response = classifyResponse(result);
  if (response.kind === 'ok') return { kind: 'success' };
  if (response.kind === 'refused') return { kind: 'dead', reason: response.reason, disableSubscription: response.status === 410 };
  const scheduled = retryDelayMs(schedule, attemptsMade, random);
  if (scheduled === null) return { kind: 'dead', reason: 'retries_exhausted', disableSubscription: false };
  const retryAfter = result.status === 429 ? parseRetryAfter(result.retryAfter) : null;
  return { kind: 'retry', delayMs: retryAfter !== null ? Math.min(retryAfter, MAX_RETRY_AFTER_MS) : scheduled };
}
