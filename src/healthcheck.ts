/**
 * Container health check (docker/Dockerfile HEALTHCHECK): `node dist/src/healthcheck.js` exits 0 when this
 * container's process does its job (see probeProcess), else prints the problems and exits 1.
 */
import { probeProcess } from './common/ops/health-probe';
import { loadEnv } from './config/load-env';

probeProcess(loadEnv({ LOG_LEVEL: 'silent' }))
  .then((problems) => {
    if (problems.length) console.error(problems.join('\n'));
    process.exit(problems.length ? 1 : 0);
  })
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
