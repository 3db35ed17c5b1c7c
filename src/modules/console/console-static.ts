import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root: three levels above this file in src/, four in dist/src/. */
const ROOT = [join(__dirname, '..', '..', '..'), join(__dirname, '..', '..', '..', '..')].find((d) => existsSync(join(d, 'package.json'))) ?? process.cwd();

/** Where `npm run build:console` (Vite) writes the console; served as static files at /console/. */
export const CONSOLE_DIST = join(ROOT, 'dist-console');

/**
 * Strict CSP: scripts, styles, images and API calls only from the engine itself, no inline script or style, no
 * framing (SameSite=Strict cookies are not sent to a cross-site frame anyway), no plugins, forms only to self.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the built console at /console/ with its security headers; a missing build is logged, not fatal. */
export async function mountConsole(app: NestFastifyApplication, root = CONSOLE_DIST): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Console').warn(`No console build in ${root}: run npm run build:console`);
    return;
  }
  const headers = (reply: FastifyReply, path: string) =>
    reply.headers({
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      // Hashed asset names never change; the page itself is revalidated so a deploy shows at once.
      'cache-control': path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
  await app.register(fastifyStatic, { root, prefix: '/console/', decorateReply: false, index: false, setHeaders: headers });
  // The page itself at /console and /console/ (the static plugin leaves a directory index to its caller).
  const page = readFileSync(join(root, 'index.html'));
  app.getHttpAdapter().getInstance().get('/console', (_req, reply) => void headers(reply, 'index.html').type('text/html; charset=utf-8').send(page));
}
