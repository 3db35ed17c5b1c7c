import { batchContradictions, parseSubscriberRows } from './full-sync-rules';

const id = '0190a0e0-0000-7000-8000-000000000001';
const id2 = '0190a0e0-0000-7000-8000-000000000002';

describe('parseSubscriberRows', () => {
  it('normalises good rows', () => {
    const { rows, errors } = parseSubscriberRows([
      { id: id.toUpperCase(), email: ' Ann@Example.COM ', status: 'active', preferences: { topics: ['a'] } },
      { id: id2, email: 'b@example.com', status: 'unsubscribed' },
    ]);
    expect(errors).toEqual({});
    expect(rows).toEqual([
      { id, email: 'ann@example.com', status: 'active', preferences: { topics: ['a'] } },
      { id: id2, email: 'b@example.com', status: 'unsubscribed', preferences: null },
    ]);
  });

  it('reports each bad field by path and drops the row', () => {
    const { rows, errors } = parseSubscriberRows([
      { id: 'nope', email: 'x', status: 'gone', preferences: [] },
      'str',
      { id, email: 'a@example.com', status: 'active' },
      { id, email: 'a@example.com', status: 'active' },
    ]);
    expect(rows).toHaveLength(1);
    expect(Object.keys(errors).sort()).toEqual([
      'subscribers.0.email',
      'subscribers.0.id',
      'subscribers.0.preferences',
      'subscribers.0.status',
      'subscribers.1',
      'subscribers.3.id',
    ]);
  });

  it('caps the number of reported errors', () => {
    const items = Array.from({ length: 500 }, () => ({ id: 'x' }));
    const { errors } = parseSubscriberRows(items);
    expect(Object.values(errors).flat().length).toBe(50);
  });
});

describe('batchContradictions', () => {
  const t = '0190a0e0-0000-7000-8000-00000000000a';
  const l = '0190a0e0-0000-7000-8000-00000000000b';
  const header = { tenantId: t, listId: l, batchTotal: 3 };

  it('accepts a consistent batch and the first batch of a sync', () => {
    expect(batchContradictions({ ...header, batchNo: 2 }, header)).toEqual({});
    expect(batchContradictions({ ...header, batchNo: 3 }, null)).toEqual({});
  });

  it('rejects batch_no beyond batch_total', () => {
    expect(batchContradictions({ ...header, batchNo: 4 }, null)).toHaveProperty('batch_no');
  });

  it('rejects a total, list or tenant that differs from earlier batches', () => {
    const errors = batchContradictions({ tenantId: l, listId: t, batchTotal: 4, batchNo: 1 }, header);
    expect(Object.keys(errors).sort()).toEqual(['batch_total', 'list_id', 'tenant_id']);
  });
});
