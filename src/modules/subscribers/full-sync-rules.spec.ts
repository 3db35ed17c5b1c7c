import { batchContradictions, parseSubscriberRows, partitionByPreferences, SubscriberRow } from './full-sync-rules';

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

describe('partitionByPreferences', () => {
  const row = (n: number, preferences: Record<string, unknown> | null): SubscriberRow => ({ id: `${id.slice(0, -1)}${n}`, email: `u${n}@example.com`, status: 'active', preferences });

  it('keeps stored preferences for rows without any and replaces them with an object, even an empty one', () => {
    const rows = [row(1, null), row(2, { city: 'Oslo' }), row(3, null), row(4, {})];
    expect(partitionByPreferences(rows)).toEqual([
      [true, [rows[0], rows[2]]],
      [false, [rows[1], rows[3]]],
    ]);
  });

  it('answers one part for a uniform batch and none for an empty one', () => {
    expect(partitionByPreferences([row(1, null)])).toEqual([[true, [row(1, null)]]]);
    expect(partitionByPreferences([row(1, { a: 1 })])).toEqual([[false, [row(1, { a: 1 })]]]);
    expect(partitionByPreferences([])).toEqual([]);
  });
});
