import { cloudEventOf } from './cloud-events';

describe('cloudEventOf', () => {
  const createdAt = new Date('2026-01-02T03:04:05.000Z');

  it('gives an ingested CloudEvent back as received', () => {
    const attributes = { specversion: '1.0', id: 'c1', source: '/sdc', type: 'sdc.x', tenant: 'EU.ENGAGE' };
    expect(cloudEventOf({ id: 'e1', tenantId: 't1', type: 'sdc.x', payload: { a: 1 }, createdAt, attributes })).toEqual({ ...attributes, data: { a: 1 } });
    expect(cloudEventOf({ id: 'e1', tenantId: 't1', type: 'sdc.x', payload: null, createdAt, attributes })).toEqual(attributes);
  });

  it('makes an engine event a CloudEvent from the engine and tenant', () => {
    expect(cloudEventOf({ id: 'e1', tenantId: 't1', type: 'email.bounced', payload: { email: 'a@b.c' }, createdAt, attributes: null })).toEqual({
      specversion: '1.0',
      id: 'e1',
      source: '/send-engine/tenants/t1',
      type: 'email.bounced',
      time: '2026-01-02T03:04:05.000Z',
      datacontenttype: 'application/json',
      data: { email: 'a@b.c' },
    });
  });
});
