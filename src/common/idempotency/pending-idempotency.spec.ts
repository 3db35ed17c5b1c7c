import { completionCte, completionParams } from './pending-idempotency';

describe('completionCte / completionParams', () => {
  it('numbers its five parameters from the given position', () => {
    const sql = completionCte(7);
    expect(sql).toContain('unnest($7::text[], $8::text[], $9::text[], $10::int[], $11::jsonb[])');
    expect(sql).not.toContain('$6');
    expect(sql).not.toContain('$12');
  });

  it('passes the keys column-wise, bodies as JSON text (none → NULL)', () => {
    const key = (k: string) => ({ owner: 't1', scope: 'POST /jobs', key: k, statusCode: 201 });
    expect(completionParams([{ key: key('a'), body: { jobId: 'job_1' } }, { key: key('b'), body: undefined }])).toEqual([
      ['t1', 't1'],
      ['POST /jobs', 'POST /jobs'],
      ['a', 'b'],
      [201, 201],
      ['{"jobId":"job_1"}', null],
    ]);
  });
});
