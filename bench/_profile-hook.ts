/**
 * Preloaded (`-r`) into profiled bench children when BENCH_CPU_PROF is set: the parent starts and stops the V8
 * CPU profiler over IPC (`{ profile: 'start' }`, `{ profile: 'stop', file }`), so a profile covers the load window
 * only — no boot, no ts-node compile, no SIGSTOPped span billed to one sample. Answers `{ profileDone }` or
 * `{ profileError }`. The IPC channel is unref'd so this listener never keeps a stopping process alive.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();

function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));
}

async function handle(command: { profile: 'start' | 'stop'; file?: string }): Promise<string> {
  if (command.profile === 'start') {
    await post('Profiler.enable');
    await post('Profiler.start');
    return '';
  }
  const { profile } = await post<{ profile: object }>('Profiler.stop');
  writeFileSync(command.file ?? `${process.pid}.cpuprofile`, JSON.stringify(profile));
  return command.file ?? '';
}

process.on('message', (m: { profile?: 'start' | 'stop'; file?: string }) => {
  if (m?.profile !== 'start' && m?.profile !== 'stop') return;
  handle({ profile: m.profile, file: m.file }).then(
    (done) => process.send?.({ profileDone: done }),
    (err: Error) => process.send?.({ profileError: err.message }),
  );
});
process.channel?.unref();
