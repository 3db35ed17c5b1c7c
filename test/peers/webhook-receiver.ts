import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** What the receiver answers to one request. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests. Each path answers from its script in order (the last entry
 * repeats); unscripted paths answer 200. Every request is recorded.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private readonly waiters: (() => void)[] = [];
  private readonly active = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  private server!: Server;
  private publicHost = '127.0.0.1';

  /** Listens on `host` (127.0.0.1; 0.0.0.0 to be reached from other containers) and names itself `publicHost` in url(). */
  static async start(host = '127.0.0.1', publicHost = host): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    r.publicHost = publicHost;
    r.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const active = (r.active.get(path) ?? 0) + 1;
        r.active.set(path, active);
        r.peak.set(path, Math.max(r.peak.get(path) ?? 0, active));
        res.on('close', () => r.active.set(path, (r.active.get(path) ?? 1) - 1));
        r.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        r.waiters.splice(0).forEach((w) => w());
        const script = r.scripts.get(path);
        const step: ScriptedResponse = (script && (script.length > 1 ? script.shift() : script[0])) ?? {};
        const answer = () => {
          if (res.destroyed) return;
          res.writeHead(step.status ?? 200, { 'content-type': 'text/plain', ...step.headers });
          res.end(step.body ?? 'ok');
        };
        if (step.delayMs) setTimeout(answer, step.delayMs);
        else answer();
      });
    });
    r.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => r.server.listen(0, host, resolve));
    return r;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:<port><path>` (or the public host it was started with) */
  url(path = '/'): string {
    return `http://${this.publicHost}:${this.port}${path}`;
  }

  /** The most requests `path` had open at once. */
  maxConcurrent(path: string): number {
    return this.peak.get(path) ?? 0;
  }

  script(path: string, ...responses: ScriptedResponse[]): void {
    this.scripts.set(path, responses);
  }

  on(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves once `path` has received `count` requests (or rejects after `timeoutMs`). */
  async waitFor(path: string, count: number, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.on(path).length < count) {
      if (Date.now() > deadline) throw new Error(`receiver: ${path} got ${this.on(path).length}/${count} requests`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.on(path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`); for asynchronous outcomes, not timing. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
