/** The parts of a response (or transport failure) that decide what it means. */
export interface ResponseSummary {
  status: number | null;
  errorCode: string | null;
}

/**
 * What a receiver's answer means, before any retry rule: `ok` (2xx), `refused` (will not change by retrying: a
 * 3xx, since redirects are never followed; a 4xx other than 408/429; an SSRF refusal or a bad URL), or
 * `retryable` (5xx, 408, 429, timeouts, connection errors).
 */
export type ResponseClass = { kind: 'ok' } | { kind: 'refused'; reason: string; status: number | null } | { kind: 'retryable' };

/** Transport errors that the same request would hit again. */
const PERMANENT_ERRORS = new Set(['ssrf_blocked', 'invalid_url']);

/** The one reading of a response, shared by delivery attempts and test pings. */
export function classifyResponse({ status, errorCode }: ResponseSummary): ResponseClass {
  if (status !== null && status >= 200 && status < 300) return { kind: 'ok' };
  if (errorCode && PERMANENT_ERRORS.has(errorCode)) return { kind: 'refused', reason: errorCode, status };
  if (status !== null && status >= 300 && status < 400) return { kind: 'refused', reason: 'redirect_refused', status };
  if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { kind: 'refused', reason: `http_${status}`, status };
  }
  return { kind: 'retryable' };
}

/** The `error_code` an attempt or ping reports: the transport's, or `redirect_refused` for a 3xx. */
export function responseErrorCode(res: ResponseSummary): string | null {
  if (res.errorCode !== null) return res.errorCode;
  const c = classifyResponse(res);
  return c.kind === 'refused' && c.reason === 'redirect_refused' ? c.reason : null;
}
