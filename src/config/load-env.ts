import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { Env, parseEnv } from './env';

/**
 * The environment as the process sees it: `.env` (when present) under the real environment, under explicit
 * overrides (tests). Validated once; a bad value throws one line naming the variable.
 */
export function loadEnv(overrides: Record<string, string> = {}, envFile = '.env'): Env {
  const fromFile = existsSync(envFile) ? parse(readFileSync(envFile)) : {};
  return parseEnv({ ...fromFile, ...process.env, ...overrides });
}
