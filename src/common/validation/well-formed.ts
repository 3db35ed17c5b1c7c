import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
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

interface Node {
  v: unknown;
  key: string;
  parent: Node | null;
  depth: number;
}

/** `a.b.0` of a node, built only when something is wrong (most inputs are fine: no string work for them). */
function pathOf(n: Node | null): string {
  const keys: string[] = [];
  for (let cur = n; cur && cur.parent; cur = cur.parent) keys.push(cur.key);
  return keys.reverse().join('.');
}

/**
 * The first reason a parsed input (body, query or params) cannot be processed: nesting beyond `maxDepth`, or a
 * key or string holding a character no column can store. Iterative, so it cannot overflow the stack itself.
 */
export function findIllFormed(value: unknown, maxDepth = MAX_JSON_DEPTH): IllFormed | null {
  const stack: Node[] = [{ v: value, key: '', parent: null, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.v;
    if (typeof v === 'string') {
      const what = badCharacter(v);
      if (what) return { kind: 'bad_character', path: pathOf(node), what };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (node.depth >= maxDepth) return { kind: 'too_deep' };
    const depth = node.depth + 1;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], key: String(i), parent: node, depth });
      continue;
    }
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      const child: Node = { v: (v as Record<string, unknown>)[key], key, parent: node, depth };
      const what = badCharacter(key);
      if (what) return { kind: 'bad_character', path: pathOf(child), what };
      stack.push(child);
    }
  }
  return null;
}

/**
 * The last global guard: it runs after authentication (an unauthenticated caller learns nothing about validation)
 * and before the idempotency guard (which fingerprints the body) and pipes, which recurse. A path id with a bad character names
 * nothing (404); a query or body with one is a validation error of that field; input nested too deeply is 400
 * `too_deep`. A guard rather than an interceptor: a route without interceptors skips Nest's per-request rxjs
 * chain (and its `AsyncResource.bind` calls), which was a measurable share of the hot routes' CPU.
 */
@Injectable()
export class WellFormedInput implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    // Global guards run before a route's own: a route that places the check after its own guards (`@SignedBy`
    // does, after the signature guard) is checked there instead.
    const routeGuards = this.reflector.getAllAndMerge<unknown[]>(GUARDS_METADATA, [context.getHandler(), context.getClass()]);
    if (!routeGuards.includes(WellFormedAfterRouteGuards)) assertWellFormed(context.switchToHttp().getRequest());
    return true;
  }
}

/** The same check, placed by a route after its own guards (`UseGuards(SignatureGuard, WellFormedAfterRouteGuards)`). */
@Injectable()
export class WellFormedAfterRouteGuards implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    assertWellFormed(context.switchToHttp().getRequest());
    return true;
  }
}

/** Parsed JSON (or form/query) data; a streamed body (a CSV upload) or raw bytes are the route's to read. */
function isParsedData(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return true;
  // Not by prototype: fastify's parsed query is an object of its own prototype-less class, and must be walked.
  return !Buffer.isBuffer(value) && typeof (value as { pipe?: unknown }).pipe !== 'function';
}

function assertWellFormed(req: { params?: unknown; query?: unknown; body?: unknown }): void {
  if (findIllFormed(req.params)) throw AppError.notFound();
  for (const [where, value] of [['query', req.query], ['body', req.body]] as const) {
    const found = isParsedData(value) ? findIllFormed(value) : null;
    if (found?.kind === 'too_deep') {
      throw new AppError('bad_request', `The ${where} nests deeper than ${MAX_JSON_DEPTH} levels`, { reason: 'too_deep' });
    }
    if (found) throw AppError.validation({ [found.path || where]: [`${found.path || where} must not contain ${found.what}`] });
  }
}
