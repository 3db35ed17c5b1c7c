import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bull';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bull';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JwtVerifier } from '../auth/jwt-verifier';
import { AppError } from '../errors/app-error';
import { readCookie } from '../http/cookies';
import { buildProblem } from '../errors/problem';
import { QUEUES } from '../queue/queues';

export const BULL_BOARD_PATH = '/admin/queues';
const COOKIE = 'se_admin_token';

/**
 * Bull Board at /admin/queues for platform admins. The token comes as a bearer header, or once as `?token=` —
 * then it is kept in an HttpOnly cookie scoped to the board so its pages and assets load in a browser.
 */
export async function mountBullBoard(app: NestFastifyApplication): Promise<void> {
  const queues = Object.values(QUEUES)
    .map((q) => app.get<Queue>(getQueueToken(q.name), { strict: false }))
    .filter(Boolean);
  const board = new BullBoardFastifyAdapter();
  board.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullAdapter(q, { readOnlyMode: false })), serverAdapter: board });
  const verifier = app.get(JwtVerifier);

  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const query = req.query as { token?: string } | undefined;
      const token =
        /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? query?.token ?? readCookie(req.headers.cookie, COOKIE);
      try {
        if (!token) throw new AppError('unauthorized', 'Bearer token required', { reason: 'missing_token' });
        await verifier.requireAdmin(token);
        if (query?.token) {
          reply.header('Set-Cookie', `${COOKIE}=${token}; Path=${BULL_BOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=3600`);
        }
      } catch (e) {
        const err = e instanceof AppError ? e : new AppError('unauthorized', 'Invalid token');
        const body = buildProblem({ status: err.status, code: err.code, detail: err.message, instance: req.url.split('?')[0], requestId: String(req.id), reason: err.options.reason });
        return reply.status(err.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
      }
    });
    await scope.register(board.registerPlugin() as never, { prefix: BULL_BOARD_PATH });
  });
}
