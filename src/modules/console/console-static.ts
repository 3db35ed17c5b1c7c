import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build:console` (Vite) writes the console; served as static files at /console/. */
export const CONSOLE_DIST = join(__dirname, '..', '..', '..', '..', 'dist-console');

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
  await app.register(fastifyStatic, {
    root,
    prefix: '/console/',
    decorateReply: false,
    index: 'index.html',
    setHeaders(res, path: string) {
      res.header('Content-Security-Policy', CONSOLE_CSP);
      res.header('X-Content-Type-Options', 'nosniff');
      res.header('Referrer-Policy', 'no-referrer');
      res.header('X-Frame-Options', 'DENY');
      // Hashed asset names never change; the page itself is revalidated so a deploy shows at once.
      res.header('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}
