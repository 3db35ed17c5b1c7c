import { createSecretKey, KeyObject } from 'node:crypto';
import { passportJwtSecret } from 'jwks-rsa';
import { Algorithm } from 'jsonwebtoken';
import { AppConfig } from '../../config/app-config';

type KeyCallback = (err: unknown, key?: string | Buffer | KeyObject) => void;
export type KeyProvider = (request: unknown, rawJwtToken: string, done: KeyCallback) => void;

export interface JwtKeyOptions {
  algorithms: Algorithm[];
  secretOrKeyProvider: KeyProvider;
  issuer?: string;
  audience?: string;
}

/** HS256 with JWT_SECRET, or RS256 with keys from JWT_JWKS_URI (cached, rate-limited); issuer/audience when set. */
export function jwtKeyOptions(config: AppConfig): JwtKeyOptions {
  const common = { issuer: config.JWT_ISSUER || undefined, audience: config.JWT_AUDIENCE || undefined };
  if (config.JWT_JWKS_URI) {
    return {
      ...common,
      algorithms: ['RS256'],
      secretOrKeyProvider: passportJwtSecret({ jwksUri: config.JWT_JWKS_URI, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }) as KeyProvider,
    };
  }
  // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it as a public key
  // on every verification, which was the largest CPU cost of an authenticated request.
  const secret = createSecretKey(Buffer.from(config.JWT_SECRET as string, 'utf8'));
  return { ...common, algorithms: ['HS256'], secretOrKeyProvider: (_req, _token, done) => done(null, secret) };
}
