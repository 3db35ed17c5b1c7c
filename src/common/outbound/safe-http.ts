import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { Agent, Dispatcher, errors } from 'undici';
import { AppConfig } from '../../config/app-config';
import { isAddressAllowed, literalAddress, parseCidrs } from './ip-ranges';

/** Why an outbound request produced no usable HTTP response (attempt log `error_code`). */
export type OutboundErrorCode =
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns_failure'
  | 'tls_error'
  | 'ssrf_blocked'
  | 'invalid_url'
  | 'connection_error';

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Response body bytes kept (default 4 KB); the rest is not read. */
  maxBodyBytes?: number;
}

export interface OutboundResponse {
  status: number | null;
  headers: Record<string, string> | null;
  /** The first `maxBodyBytes` of the body, UTF-8 best effort. */
  body: string | null;
  truncated: boolean;
  latencyMs: number;
  errorCode: OutboundErrorCode | null;
  errorDetail: string | null;
}

const SSRF = 'ESSRF';
const MAX_CHECKED_TARGETS = 10_000;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Maps an undici / socket error to the attempt log's error code. */
export function errorCodeOf(err: unknown): OutboundErrorCode {
  const chain: { code?: string; name?: string }[] = [];
  for (let e = err as { code?: string; name?: string; cause?: unknown } | undefined; e && chain.length < 5; e = e.cause as typeof e) chain.push(e);
  const codes = chain.map((e) => e.code ?? '');
  const names = chain.map((e) => e.name ?? '');
  if (codes.includes(SSRF)) return 'ssrf_blocked';
  if (names.includes('TimeoutError') || names.includes('AbortError') || codes.some((c) => /TIMEOUT|ETIMEDOUT/.test(c))) return 'timeout';
  if (codes.includes('ECONNREFUSED')) return 'connection_refused';
  if (codes.some((c) => ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA'].includes(c))) return 'dns_failure';
  if (codes.some((c) => /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(c))) return 'tls_error';
  if (codes.some((c) => ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(c))) return 'connection_reset';
  return 'connection_error';
}

/**
 * The one outbound HTTP client for URLs tenants give us (webhook deliveries, test pings, callbacks, certificate
 * fetches). Every connection goes through a DNS lookup that refuses non-global addresses and hands the socket
 * the address it checked, so a second lookup (DNS rebinding) cannot swap it; IP literals are checked before
 * connecting. Redirects are never followed.
 */
@Injectable()
export class SafeHttpClient implements OnApplicationShutdown {
  private readonly allowList;
  private readonly agent: Agent;
  private readonly targets = new Map<string, { origin: string; path: string } | string>();

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.allowList = parseCidrs(config.WEBHOOK_ALLOWED_CIDRS);
    this.agent = new Agent({
      connect: { timeout: config.WEBHOOK_CONNECT_TIMEOUT_MS, lookup: this.guardedLookup },
      connections: 256,
      keepAliveTimeout: 10_000,
    });
  }

  /** Whether this deployment may connect to `ip` (global unicast or on the allow-list). */
  isAllowedAddress(ip: string): boolean {
    return isAddressAllowed(ip, this.allowList);
  }

  /**
   * A reason the URL can never be called (bad scheme, or a literal address that is refused), or null. Names are
   * only resolved when connecting, on every attempt.
   */
  urlProblem(raw: string): string | null {
    const checked = this.checkUrl(raw);
    return typeof checked === 'string' ? checked : null;
  }

  /** The parsed URL, or why it can never be called. */
  private checkUrl(raw: string): URL | string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'must be an absolute URL';
    }
    // Outside production the refusal names the setting that would allow it (a local receiver is a common first try).
    const hint = (setting: string) => (this.config.isProduction ? '' : ` (${setting})`);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.config.WEBHOOK_ALLOW_HTTP)) {
      return `must use https${hint('set WEBHOOK_ALLOW_HTTP=true to allow http:// endpoints')}`;
    }
    if (url.username || url.password) return 'must not contain credentials';
    const literal = literalAddress(url.hostname);
    if (literal && !this.isAllowedAddress(literal)) {
      return `must not point to a private, loopback, link-local or reserved address${hint(`add its range to WEBHOOK_ALLOWED_CIDRS, e.g. ${literal}/${literal.includes(':') ? 128 : 32}`)}`;
    }
    return url;
  }

  /**
   * `checkUrl` of a URL posted to, remembered: the verdict depends only on the text and this process's settings,
   * and parsing it again (URL, literal address, allow-list) cost a tenth of a delivery's outbound CPU. Bounded by
   * starting over when full.
   */
  private checkedTarget(raw: string): { origin: string; path: string } | string {
    let target = this.targets.get(raw);
    if (target === undefined) {
      const url = this.checkUrl(raw);
      target = typeof url === 'string' ? url : { origin: url.origin, path: url.pathname + url.search };
      if (this.targets.size >= MAX_CHECKED_TARGETS) this.targets.clear();
      this.targets.set(raw, target);
    }
    return target;
  }

  async post(req: OutboundRequest): Promise<OutboundResponse> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failed = (errorCode: OutboundErrorCode, errorDetail: string): OutboundResponse => ({
      status: null, headers: null, body: null, truncated: false, latencyMs: elapsed(), errorCode, errorDetail,
    });
    const url = this.checkedTarget(req.url);
    if (typeof url === 'string') return failed(url.startsWith('must not point') ? 'ssrf_blocked' : 'invalid_url', `URL ${url}`);

    // The whole-request timeout is undici's headers timeout plus one timer over the body read, not an
    // AbortSignal per request: AbortSignal.timeout and its listeners cost more CPU than the rest of the request.
    const timeoutMs = this.config.WEBHOOK_TIMEOUT_MS;
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: url.path,
        method: 'POST',
        headers: req.headers,
        body: req.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const max = req.maxBodyBytes ?? 4096;
      const withinMs = Math.max(0, timeoutMs - (performance.now() - started));
      // A body whose announced length fits is read whole by undici (cheaper than iterating the stream); undici
      // fails the read if fewer or more bytes arrive.
      const { body, truncated } = Number(res.headers['content-length']) <= max ? await readWhole(res.body, withinMs) : await readCapped(res.body, max, withinMs);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, body, truncated, latencyMs: elapsed(), errorCode: null, errorDetail: null };
    } catch (err) {
      return failed(errorCodeOf(err), (err as Error).message || String(err));
    }
  }

  /** `connect.lookup` for undici: resolve, drop refused addresses, connect only to what was checked. */
  private readonly guardedLookup = (hostname: string, options: LookupOptions, cb: LookupCallback): void => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    dnsLookup(hostname, { all: true, family }, (err, addresses) => {
      if (err) return cb(err, []);
      const allowed = addresses.filter((a) => this.isAllowedAddress(a.address));
      if (!allowed.length) {
        const e: NodeJS.ErrnoException = new Error(`${hostname} resolves only to refused addresses`);
        e.code = SSRF;
        return cb(e, []);
      }
      if (options.all) return cb(null, allowed);
      cb(null, allowed[0].address, allowed[0].family);
    });
  };

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

/** Reads a whole (small) response body, failing with a body timeout if it is still arriving after `withinMs`. */
async function readWhole(stream: Dispatcher.ResponseData['body'], withinMs: number): Promise<{ body: string; truncated: boolean }> {
  const timer = setTimeout(() => stream.destroy(new errors.BodyTimeoutError()), withinMs);
  try {
    const bytes = await stream.bytes(); // not text(): that drops a leading BOM, and the snippet is kept as sent
    return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), truncated: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads at most `max` bytes of a response body, then stops reading (and drops the connection's rest). A body still
 * arriving after `withinMs` fails with a body timeout (the rest of the request's time budget).
 */
async function readCapped(
  stream: AsyncIterable<Buffer> & { destroy(err?: Error): void },
  max: number,
  withinMs: number,
): Promise<{ body: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const timer = setTimeout(() => stream.destroy(new errors.BodyTimeoutError()), withinMs);
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > max) {
        truncated = true;
        stream.destroy();
        break;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  return { body: Buffer.concat(chunks).subarray(0, max).toString('utf8'), truncated };
}

/** Import where outbound HTTP to tenant-supplied URLs is needed. */
@Module({ providers: [SafeHttpClient], exports: [SafeHttpClient] })
export class OutboundHttpModule {}
