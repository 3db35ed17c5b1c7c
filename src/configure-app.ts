import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyBodyParser, FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { IncomingMessage, STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';
import { parse as parseQuery } from 'node:querystring';
import { v7 as uuidv7 } from 'uuid';
import { buildProblem } from './common/errors/problem';
import { ProblemFilter } from './common/errors/problem.filter';
import { MAX_BODY_BYTES } from './common/http/body-limit';
import { idempotencyOnSend } from './common/idempotency/idempotency.guard';
import { IdempotencyStore } from './common/idempotency/idempotency.store';
import { RouteIndex } from './common/http/route-index';
import { logRequest } from './common/logging/request-log';
import { Metrics } from './common/metrics/metrics';
import { AppLogger } from './common/ops/app-logger';
import { mountBullBoard } from './common/ops/bull-board';
import { mountSwagger } from './common/ops/swagger';
import { createValidationPipe } from './common/validation/validation.pipe';
import { AppConfig } from './config/app-config';
import { mountConsole } from './modules/console/console-static';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a well-formed X-Request-Id from the caller, else a new UUIDv7; stored on the raw request for the logger. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : uuidv7();
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}

/**
 * Errors Node's HTTP parser raises before fastify sees a request (an oversize request line or headers, a
 * malformed request, a timeout): answered as problems too, instead of fastify's own JSON.
 */
function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request line or headers exceed the size limit']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request was not received in time']
        : [400, 'bad_request', 'Malformed HTTP request'];
  const id = uuidv7();
  const body = JSON.stringify(buildProblem({ status, code, detail, instance: '', requestId: id }));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/problem+json; charset=utf-8\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

export function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    genReqId: requestId,
    requestIdHeader: false,
    clientErrorHandler,
    trustProxy: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Errors fastify raises before routing (a malformed URL) bypass Nest's filter: answer them in the same dialect.
    frameworkErrors: (_error: Error, req: FastifyRequest, reply: FastifyReply) => {
      const body = buildProblem({ status: 400, code: 'bad_request', detail: 'Malformed URL', instance: '', requestId: String(req.id) });
      void reply.status(400).header('X-Request-Id', req.id).header('content-type', 'application/problem+json; charset=utf-8').send(body);
    },
  });
}

/**
 * Everything between "Nest created the app" and "listen": body parsers that keep the raw bytes, request ids,
 * the problem filter, validation, Swagger, Bull Board and HTTP metrics. Shared by main.ts and the e2e factory.
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // Every role logs through pino at LOG_LEVEL. main.ts buffers Nest's logs until here, and Nest flushes the buffer
  // only on listen(): a worker (init() only) kept buffering forever and wrote nothing, not even its warnings.
  app.useLogger(app.get(AppLogger));
  app.flushLogs();

  // JSON, any `+json` type (CloudEvents) and text/plain (Amazon SNS posts JSON as text/plain) parse as JSON;
  // every parser keeps req.rawBody for signature checks.
  // fastify's own parser (prototype-poisoning safe) also accepts a Buffer, which is what these parsers receive.
  const json = fastify.getDefaultJsonParser('error', 'error') as unknown as FastifyBodyParser<Buffer>;
  app.useBodyParser('application/json', { bodyLimit: MAX_BODY_BYTES }, json);
  app.useBodyParser(/^application\/[\w.-]+\+json$/ as unknown as string, { bodyLimit: MAX_BODY_BYTES }, json);
  app.useBodyParser('text/plain', { bodyLimit: MAX_BODY_BYTES }, json);
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: MAX_BODY_BYTES }, (_req, body: Buffer, done) =>
    done(null, { ...parseQuery(body.toString()) }),
  );

  // CSV uploads (list imports) reach the route as the request stream itself: read as they arrive, never buffered.
  fastify.addContentTypeParser('text/csv', (_req, payload, done) => done(null, payload));

  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.header('X-Request-Id', req.id);
    done();
  });

  // `@Idempotent` routes: the response is stored under its claimed key (or the key released) as it is sent.
  fastify.addHook('onSend', idempotencyOnSend(app.get(IdempotencyStore, { strict: false })));

  const routes = new RouteIndex();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  app.useGlobalFilters(new ProblemFilter(routes));
  app.useGlobalPipes(createValidationPipe());

  // Every request is measured; only errors, slow requests and a sample of the rest are logged (LOG_REQUEST_*).
  const metrics = app.get(Metrics);
  const config = app.get(AppConfig);
  const policy = { sample: config.LOG_REQUEST_SAMPLE, slowMs: config.LOG_SLOW_REQUEST_MS };
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    logRequest(PinoLogger.root, policy, req, reply);
    done();
  });

  mountSwagger(app);
  await mountBullBoard(app);
  if (config.runsApi) await mountConsole(app);
}
