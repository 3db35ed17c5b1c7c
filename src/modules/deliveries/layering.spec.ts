import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

// Deliveries is the lower layer of outbound webhooks (docs/webhooks.md, "Dependencies"): it may borrow only pure
// files from webhooks — SQL fragments, row mappings and rules that import nothing but webhooks entities.
const DELIVERIES = __dirname;
const WEBHOOKS = resolve(__dirname, '../webhooks');
const BORROWED = ['cloud-events.ts', 'custom-headers.ts', 'delivery-event.ts', 'event-filter.ts', 'subscription-failures.ts', 'subscription-target.ts'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}
/** The files a source imports by relative path, resolved to absolute paths with `.ts`. */
function relativeImports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => `${resolve(file, '..', m[1])}.ts`);
}

describe('deliveries -> webhooks layering', () => {
  it('deliveries imports from webhooks only the borrowed pure files', () => {
    const used = sources(DELIVERIES).flatMap(relativeImports).filter((f) => f.startsWith(`${WEBHOOKS}/`));
    expect(used.length).toBeGreaterThan(0);
    for (const f of used) expect(BORROWED).toContain(relative(WEBHOOKS, f));
  });

  it('the borrowed files import only webhooks entities, and no framework', () => {
    for (const name of BORROWED) {
      const file = join(WEBHOOKS, name);
      for (const dep of relativeImports(file)) expect(relative(WEBHOOKS, dep)).toMatch(/^entities\/[\w-]+\.entity\.ts$/);
      expect(readFileSync(file, 'utf8')).not.toMatch(/from '@nestjs\//);
    }
  });
});
