/**
 * `npm run profile -- <file.cpuprofile>… [--top N] [--per <count>]`: summarises V8 CPU profiles (written by
 * `node --cpu-prof`, e.g. the engine processes of `BENCH_CPU_PROF=<dir> npm run bench -- webhooks`) by package
 * and by function, as Markdown tables for docs/performance.md. Self time only; idle time is left out of the
 * shares. `--per N` also prints each row as µs per unit of work (e.g. per event delivered).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: an npm package, a file of ours, a part of Node, or a V8 pseudo-frame. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  const src = url.indexOf('/src/');
  if (src >= 0) return `src/${url.slice(src + 5).split('/').slice(0, -1).join('/') || '.'}`;
  return basename(url);
}

export function selfTimes(profile: CpuProfile): Map<ProfileNode, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<ProfileNode, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (node) self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return self;
}

function table(title: string, rows: Map<string, number>, busyUs: number, top: number, per?: number): string {
  const sorted = [...rows].sort((a, b) => b[1] - a[1]).slice(0, top);
  const head = per ? `| ${title} | share | µs per unit |\n|---|---:|---:|` : `| ${title} | share |\n|---|---:|`;
  const lines = sorted.map(([name, us]) => {
    const share = `${((us / busyUs) * 100).toFixed(1)} %`;
    return per ? `| ${name} | ${share} | ${(us / per).toFixed(1)} |` : `| ${name} | ${share} |`;
  });
  return [head, ...lines].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : undefined;
  };
  const top = option('--top') ?? 20;
  const per = option('--per');
  for (const file of args) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const byPackage = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let busy = 0;
    for (const [node, us] of selfTimes(profile)) {
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') continue;
      busy += us;
      const pkg = packageOf(url, functionName);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
      const fn = `${functionName || '(anonymous)'} · ${pkg}${url ? `:${lineNumber + 1}` : ''}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    }
    console.log(`### ${basename(file)}: ${(busy / 1e6).toFixed(2)} s busy${per ? `, ${per} units` : ''}\n`);
    console.log(table('package', byPackage, busy, top, per), '\n');
    console.log(table('function (self time)', byFunction, busy, top, per), '\n');
  }
}

if (require.main === module) main();
