import { CpuProfile, packageOf, summarise, table } from './_profile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// root → fastify handler → node:net write → native writev ; root → hook's post → native dispatch (the profiler
// stopping itself) ; root → (idle)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 5] },
    { id: 2, callFrame: frame('handler', '/work/app/node_modules/fastify/lib/route.js', 9), children: [6] },
    { id: 3, callFrame: frame('post', '/work/app/bench/_profile-hook.ts', 6), children: [4] },
    { id: 4, callFrame: frame('dispatch') },
    { id: 5, callFrame: frame('(idle)') },
    { id: 6, callFrame: frame('write', 'node:net', 1), children: [7] },
    { id: 7, callFrame: frame('writev') },
  ],
  samples: [2, 4, 2, 5, 3, 7, 6],
  timeDeltas: [100, 5000, 300, 700, 50, 200, 100],
};

describe('profile summary', () => {
  it('leaves out idle time and every sample inside the profiler hook', () => {
    const s = summarise(profile);
    expect(s.busy).toBe(700);
    expect(Object.fromEntries(s.byPackage)).toEqual({ fastify: 400, '(native)': 200, 'node:net': 100 });
    expect(Object.fromEntries(s.byFunction)).toEqual({ 'handler · fastify:10': 400, 'writev · (native)': 200, 'write · node:net:2': 100 });
  });

  it('charges Node and native time to the calling package', () => {
    expect(Object.fromEntries(summarise(profile).byCaller)).toEqual({ fastify: 700 });
  });

  it('prints raw µs per unit, or scales the shares to the measured CPU per unit', () => {
    const rows = new Map([['a', 300], ['b', 100]]);
    expect(table('package', rows, 400, 10, 2)).toContain('| a | 75.0 % | 150.0 |');
    expect(table('package', rows, 400, 10, 2, 0.5)).toContain('| a | 75.0 % | 375.0 |');
    expect(table('package', rows, 400, 10, 2, 0.5)).toContain('| b | 25.0 % | 125.0 |');
  });

  it('names packages, scoped packages, node internals and our own folders', () => {
    expect(packageOf('/x/node_modules/@nestjs/core/router.js', 'f')).toBe('@nestjs/core');
    expect(packageOf('node:internal/streams/readable', 'f')).toBe('node:internal/streams');
    expect(packageOf('/repo/src/modules/deliveries/x.ts', 'f')).toBe('src/modules/deliveries');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
  });
});
