import { v7 as uuidv7 } from 'uuid';
import { rowIdOf, toJobId } from './job-id';

describe('job ids', () => {
  it('round-trips a row id through the public id', () => {
    const id = uuidv7();
    const jobId = toJobId(id);
    expect(jobId).toMatch(/^job_[0-9a-f]{32}$/);
    expect(rowIdOf(jobId)).toBe(id);
    expect(rowIdOf(jobId.toUpperCase().replace('JOB_', 'job_'))).toBe(id);
  });

  it('sorts like creation time', () => {
    const a = toJobId(uuidv7());
    const b = toJobId(uuidv7());
    expect(a < b).toBe(true);
  });

  it.each(['', 'job_', 'job_abc123', `job_${'g'.repeat(32)}`, `task_${'a'.repeat(32)}`, '0190f0e8-0000-7000-8000-000000000000'])(
    'refuses %j',
    (s) => expect(rowIdOf(s)).toBeNull(),
  );
});
