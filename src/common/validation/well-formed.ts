import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { AppError } from '../errors/app-error';

/** JSON nested deeper than this is refused before anything recursive (validation, fingerprints) walks it. */
export const MAX_JSON_DEPTH = 64;

export type IllFormed = { kind: 'too_deep' } | { kind: 'bad_character'; path: string; what: 'NUL' | 'a lone surrogate' };

// U+0000 and unpaired UTF-16 surrogates: Postgres refuses both (in text and in jsonb), and encodeURIComponent
// (class-validator's isEmail, isURL) throws on the latter.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const BAD_CHARACTER = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badCharacter(s: string): 'NUL' | 'a lone surrogate' | null {
  const m = BAD_CHARACTER.exec(s);
  if (!m) return null;
  return m[0] === '\u0000' ? 'NUL' : 'a lone surrogate';
}

/**
 * The first reason a parsed input (body, query or params) cannot be processed: nesting beyond `maxDepth`, or a
 * key or string holding a character no column can store. Iterative, so it cannot overflow the stack itself.
 */
export function findIllFormed(value: unknown, maxDepth = MAX_JSON_DEPTH): IllFormed | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const what = badCharacter(v);
      if (what) return { kind: 'bad_character', path, what };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return { kind: 'too_deep' };
    for (const [k, child] of Object.entries(v)) {
      const childPath = path ? `${path}.${k}` : k;
      const what = badCharacter(k);
      if (what) return { kind: 'bad_character', path: childPath, what };
      stack.push({ v: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * A global interceptor, so it runs after every guard (signatures are checked first: an unsigned caller learns
 * nothing about validation) and before route interceptors (idempotency fingerprints) and pipes, which recurse.
 * A path id with a bad character names nothing (404); a query or body with one is a validation error of that
 * field; input nested too deeply is 400 `too_deep`.
 */
@Injectable()
export class WellFormedInput implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    assertWellFormed(context.switchToHttp().getRequest());
    return next.handle();
  }
}

function assertWellFormed(req: { params?: unknown; query?: unknown; body?: unknown }): void {
  if (findIllFormed(req.params)) throw AppError.notFound();
  for (const [where, value] of [['query', req.query], ['body', req.body]] as const) {
    const found = findIllFormed(value);
    if (found?.kind === 'too_deep') {
      throw new AppError('bad_request', `The ${where} nests deeper than ${MAX_JSON_DEPTH} levels`, { reason: 'too_deep' });
    }
    if (found) throw AppError.validation({ [found.path || where]: [`${found.path || where} must not contain ${found.what}`] });
  }
}
