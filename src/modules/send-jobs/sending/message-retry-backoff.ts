/**
 * How long a message waits before its next provider call after a transient or account-level refusal:
 * exponential (1 s, 2 s, 4 s … capped at 5 min) with ±25 % jitter so parallel lanes do not retry in step.
 */
export function messageRetryBackoffMs(attempt: number, random = Math.random()): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random * 0.5));
}
