import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { ApiKeyResolver } from '../../common/auth/credential-resolver';
import { hasSessionCookie, sessionPrincipal } from '../../common/auth/session-cookie';
import { AppError } from '../../common/errors/app-error';
import { RedisService } from '../../common/redis/redis.module';
import { AppConfig } from '../../config/app-config';
import { DeliveryUpdates } from './delivery-updates';

/** A stream lasts 60 s (docs/webhooks.md, "Live stream"); the client reconnects for the next window. */
export const STREAM_WINDOW_MS = 60_000;

/**
 * `GET /v1/echo/stream?key=`: SSE of the key's workspace's delivery updates, from Redis pub/sub. The console
 * calls it with its session cookie and `?csrf=` instead of a key.
 */
@Injectable()
export class EchoStreamService implements OnApplicationShutdown {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly keys: ApiKeyResolver,
    private readonly redis: RedisService,
    private readonly updates: DeliveryUpdates,
    private readonly config: AppConfig,
  ) {}

  async stream(credential: { key?: unknown; csrf?: unknown; cookie?: string }, reply: FastifyReply): Promise<void> {
    // ?key=a&key=b parses as an array: only a single string can be a key (or a CSRF token).
    const key = typeof credential.key === 'string' && credential.key ? credential.key : undefined;
    const csrf = typeof credential.csrf === 'string' ? credential.csrf : undefined;
    const principal = !key && hasSessionCookie(credential.cookie)
      ? sessionPrincipal(this.config.encryptionKey, credential.cookie, csrf).principal
      : key ? await this.keys.resolve(key) : null;
    if (!principal?.tenantId) throw new AppError('unauthorized', 'A valid API key is required in ?key=', { reason: 'invalid_api_key' });

    const subscriber = this.redis.duplicate();
    await subscriber.subscribe(this.updates.channel(principal.tenantId));
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 1000\n: stream open for ${STREAM_WINDOW_MS / 1000}s\n\n`);
    subscriber.on('message', (_channel: string, message: string) => raw.write(`event: delivery\ndata: ${message}\n\n`));

    const close = () => {
      if (!this.open.delete(close)) return;
      clearTimeout(timer);
      subscriber.disconnect();
      raw.end();
    };
    const timer = setTimeout(close, STREAM_WINDOW_MS);
    this.open.add(close);
    raw.on('close', close);
  }

  onApplicationShutdown(): void {
    for (const close of [...this.open]) close();
  }
}
