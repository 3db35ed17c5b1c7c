/**
 * `npm run bench` runs every scenario; `npm run bench -- <name> [...]` runs the named ones (bench/<name>.ts).
 * Each scenario prints its figure next to a ceiling measured in the same run on the same machine.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Scenario {
  run(): Promise<void>;
}

async function main(): Promise<void> {
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !['run.ts'].includes(f) && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''));
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; available: ${available.join(', ') || 'none'}`);
    process.exit(2);
  }
  for (const name of wanted.length ? wanted : available) {
    console.log(`\n=== bench: ${name}`);
    const scenario = (await import(join(__dirname, name))) as Scenario;
    await scenario.run();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
