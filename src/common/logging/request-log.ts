import { FastifyReply, FastifyRequest } from 'fastify';
import { Logger as PinoInstance } from 'pino';

export interface RequestLogPolicy {
  /** Share (0-1) of fast successful requests that are logged; the rest leave no line. */
  sample: number;
  /** A request at least this slow is always logged (warn). */
  slowMs: number;
}

/**
 * The level a finished request is logged at, or null for none: a 5xx at error, a slow request at warn, a client
 * error (4xx) at info, and only a sampled share of the fast successful ones — at a thousand requests a second,
 * a line per request was the API's largest single cost after the framework itself.
 */
export function requestLogLevel(status: number, ms: number, policy: RequestLogPolicy, random: () => number = Math.random): 'error' | 'warn' | 'info' | null {
  if (status >= 500) return 'error';
  if (ms >= policy.slowMs) return 'warn';
  if (status >= 400) return 'info';
  return policy.sample > 0 && random() < policy.sample ? 'info' : null;
}

/**
 * Logs finished requests by the policy, in pino-http's shape (`req`, `res`, `responseTime`), through `logger`,
 * whose `req`/`res` serializers redact credentials. A Fastify hook rather than pino-http's middleware: that ran
 * for every request through Nest's middleware layer and an AsyncLocalStorage scope (which puts a hook on every
 * promise the process creates), whether or not the line was then written.
 */
export function logRequest(logger: PinoInstance, policy: RequestLogPolicy, req: FastifyRequest, reply: FastifyReply): void {
  const ms = reply.elapsedTime;
  const level = requestLogLevel(reply.statusCode, ms, policy);
  if (!level || !logger.isLevelEnabled(level)) return;
  logger[level]({ req, res: reply.raw, responseTime: Math.round(ms) }, 'request completed');
}
