import { readFileSync, writeFileSync } from 'node:fs';
import { createTestApp, TestApp } from './support/app';
import { CONSOLE_TYPES_FILE, consoleOpenApi, typesOf } from './support/console-openapi';

/**
 * The console's typed client is generated from the engine's own OpenAPI: this fails when a route or schema the
 * console uses changed without regenerating (npm run console:types, which sets UPDATE_CONSOLE_TYPES=1).
 */
describe('console API types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('match the OpenAPI document the engine serves', async () => {
    const res = await fetch(`${t.url}/docs-json`);
    expect(res.status).toBe(200);
    const generated = typesOf(consoleOpenApi((await res.json()) as Parameters<typeof consoleOpenApi>[0]));
    if (process.env.UPDATE_CONSOLE_TYPES === '1') writeFileSync(CONSOLE_TYPES_FILE, generated);
    expect(readFileSync(CONSOLE_TYPES_FILE, 'utf8')).toBe(generated);
  });
});
