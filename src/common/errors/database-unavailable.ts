/** Seconds a client is told to wait (Retry-After) when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket-level codes of a server that is down or unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATEs of a server going away: admin/crash shutdown, cannot connect now, and class 08 (connection exception). */
const SQLSTATES = new Set(['57P01', '57P02', '57P03']);
/** node-postgres raises these without a code when a connection dies or the pool cannot get one in time. */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly/i;

/**
 * True when `err` (a TypeORM QueryFailedError, a pg error or a socket error, possibly wrapped as `driverError`
 * or `cause`) means Postgres cannot be reached right now rather than that the statement is wrong: the request
 * should be retried later (503), it is not a bug (500).
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true;
  // AggregateError (a host with several addresses refused on each)
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(e.driverError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}

/**
 * Runs `write` and, while it fails because Postgres is unreachable, runs it again (backing off 250 ms → 2 s) for
 * up to `maxMs`; any other error, or the last one, is thrown. For writes of facts only this process knows (a
 * provider call's result): waiting out a database restart records them, giving up would strand them.
 */
export async function retryWhileDatabaseUnavailable<T>(write: () => Promise<T>, maxMs = 120_000, sleep = defaultSleep): Promise<T> {
  const deadline = Date.now() + maxMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await write();
    } catch (e) {
      if (!isDatabaseUnavailable(e) || Date.now() + delay > deadline) throw e;
      await sleep(delay);
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
