import FindMyWay, { HTTPVersion } from 'find-my-way';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Every registered route, kept so an unmatched request can be told apart: a path that exists under another
 * method is 405 (with `Allow`), anything else 404. Fastify itself answers both with 404.
 */
export class RouteIndex {
  private readonly router = FindMyWay<HTTPVersion.V1>({ ignoreTrailingSlash: true });

  add(method: string | string[], url: string): void {
    for (const m of [method].flat()) {
      if ((METHODS as readonly string[]).includes(m) && !this.router.hasRoute(m as 'GET', url)) {
        this.router.on(m as 'GET', url, () => undefined);
      }
    }
  }

  allowedMethods(path: string): string[] {
    const clean = path.split('?')[0];
    return METHODS.filter((m) => this.router.find(m, clean) !== null);
  }
}
