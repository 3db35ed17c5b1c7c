/**
 * `npm run profile -- <file.cpuprofile>… [--top N] [--per <count>] [--cpu-ms <ms per unit>]`: summarises V8 CPU
 * profiles (the load-window profiles of `BENCH_CPU_PROF=<dir> npm run bench -- webhooks`, or any `--cpu-prof`
 * file) by package (self time, and with Node's and native time charged to the calling package) and by function,
 * as Markdown tables for docs/performance.md. Self time only; idle time and the
 * profiler's own start/stop (bench/_profile-hook.ts) are left out of the shares.
 *
 * `--per N` prints each row as µs per unit of work (e.g. per event delivered). A profile's sample times are wall
 * time: on a busy machine a process that is runnable but not scheduled still accrues samples, so raw µs overstate
 * CPU. `--cpu-ms X` (the process's measured CPU ms per unit, as the bench prints it) scales the rows to X instead:
 * µs per unit = share × X × 1000. Shares are what to compare between runs; scaled µs are what to add up.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
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

/** Self time (µs) per node, without samples taken inside the profiler hook (its start/stop, not the app's work). */
export function selfTimes(profile: CpuProfile): Map<ProfileNode, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const inHook = new Map<number, boolean>();
  const hooked = (id: number | undefined): boolean => {
    if (id === undefined) return false;
    const known = inHook.get(id);
    if (known !== undefined) return known;
    const verdict = (byId.get(id)?.callFrame.url ?? '').endsWith('_profile-hook.ts') || hooked(parentOf.get(id));
    inHook.set(id, verdict);
    return verdict;
  };
  const self = new Map<ProfileNode, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (node && !hooked(id)) self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return self;
}

export interface Summary {
  /** Busy µs: all self time but idle. */
  busy: number;
  byPackage: Map<string, number>;
  /**
   * Self time of Node internals and native code charged to the nearest calling package or file of ours (a socket
   * write from pg counts as pg's): what each building block costs, all in. GC and `(program)` stay apart.
   */
  byCaller: Map<string, number>;
  byFunction: Map<string, number>;
}

/** A package that stands for itself in the by-caller view: not Node's own code, not a native frame. */
const ownsTime = (pkg: string) => !pkg.startsWith('node:') && pkg !== '(native)' && pkg !== '(root)';

export function summarise(profile: CpuProfile): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n);
  const callerOf = (node: ProfileNode): string => {
    for (let at: ProfileNode | undefined = node; at; at = parentOf.get(at.id)) {
      const pkg = packageOf(at.callFrame.url, at.callFrame.functionName);
      if (ownsTime(pkg)) return pkg;
    }
    return packageOf(node.callFrame.url, node.callFrame.functionName);
  };
  const byPackage = new Map<string, number>();
  const byCaller = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const [node, us] of selfTimes(profile)) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || !byId.has(node.id)) continue;
    busy += us;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const caller = callerOf(node);
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} · ${pkg}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  return { busy, byPackage, byCaller, byFunction };
}

/** A Markdown table of the top rows: share of busy time, and µs per unit (raw, or scaled to `cpuMs` per unit). */
export function table(title: string, rows: Map<string, number>, busyUs: number, top: number, per?: number, cpuMs?: number): string {
  const sorted = [...rows].sort((a, b) => b[1] - a[1]).slice(0, top);
  const head = per ? `| ${title} | share | µs per unit |\n|---|---:|---:|` : `| ${title} | share |\n|---|---:|`;
  const lines = sorted.map(([name, us]) => {
    const share = us / busyUs;
    const perUnit = cpuMs !== undefined ? share * cpuMs * 1000 : us / (per ?? 1);
    return per ? `| ${name} | ${(share * 100).toFixed(1)} % | ${perUnit.toFixed(1)} |` : `| ${name} | ${(share * 100).toFixed(1)} % |`;
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
  const cpuMs = option('--cpu-ms');
  for (const file of args) {
    const { busy, byPackage, byCaller, byFunction } = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    const scale = cpuMs !== undefined ? `, rows scaled to ${cpuMs} ms CPU per unit` : '';
    console.log(`### ${basename(file)}: ${(busy / 1e6).toFixed(2)} s busy (wall)${per ? `, ${per} units${scale}` : ''}\n`);
    console.log(table('package (self)', byPackage, busy, top, per, cpuMs), '\n');
    console.log(table('package, Node and native time charged to the caller', byCaller, busy, top, per, cpuMs), '\n');
    console.log(table('function (self time)', byFunction, busy, top, per, cpuMs), '\n');
  }
}

if (require.main === module) main();
