import { AppError } from '../../../../common/errors/app-error';
import { parseCloudEvents, parseSubscriptions, toSubscriptionView } from './marigold.mapper';

/** The field errors an invalid body raises. */
function errorsOf(f: () => unknown): Record<string, string[]> {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError && e.code === 'validation_failed') return e.options.errors ?? {};
    throw e;
  }
  throw new Error('expected a validation error');
}

const event = (over: Record<string, unknown> = {}) => ({ id: '1', source: '/sdc/mailer', type: 'sdc.x', ...over });

describe('parseCloudEvents', () => {
  it('keeps attributes and data apart, defaulting specversion', () => {
    const [e] = parseCloudEvents([event({ subject: null, tenant: 'EU.ENGAGE', data: { a: 1 } })]);
    expect(e).toEqual({ attributes: { id: '1', source: '/sdc/mailer', type: 'sdc.x', subject: null, tenant: 'EU.ENGAGE', specversion: '1.0' }, data: { a: 1 } });
  });

  it('accepts one object as a batch of one, keyed by field name', () => {
    expect(parseCloudEvents(event())).toHaveLength(1);
    expect(Object.keys(errorsOf(() => parseCloudEvents({ id: '', source: 'a b' })))).toEqual(['id', 'type', 'source']);
  });

  it('validates every attribute as CloudEvents 1.0 says', () => {
    const errors = errorsOf(() =>
      parseCloudEvents([
        event(),
        event({ specversion: '0.3', time: '2024-13-01', dataschema: '/relative' }),
        event({ time: '2024-01-01 10:00:00', datacontenttype: 'json', data_base64: 5 }),
        event({ Upper: 'x', 'with-dash': 1, ['x'.repeat(129)]: 1, nested: { a: 1 }, longerthantwentychars1: 'ok' }),
        'not an event',
      ]),
    );
    expect(Object.keys(errors).sort()).toEqual(
      ['[1].specversion', '[1].time', '[1].dataschema', '[2].time', '[2].datacontenttype', '[2].data_base64', '[3].Upper', '[3].with-dash', `[3].${'x'.repeat(129)}`, '[3].nested', '[4]'].sort(),
    );
  });

  it('accepts RFC 3339 times with offsets, URI-reference sources and absolute dataschemas', () => {
    expect(() => parseCloudEvents([event({ time: '2024-01-01T10:00:00.123+02:00', source: 'urn:event:from:x', dataschema: 'https://example.com/s.json', ext1: true })])).not.toThrow();
  });

  it('refuses an empty batch (400) and more than 1,000 events (413)', () => {
    expect(Object.keys(errorsOf(() => parseCloudEvents([])))).toEqual(['body']);
    expect(() => parseCloudEvents(Array.from({ length: 1001 }, () => event()))).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
  });
});

describe('parseSubscriptions', () => {
  it('normalizes URLs, header shapes and advanced-filter shapes', () => {
    const [s] = parseSubscriptions([
      {
        filters: ['sdc.*'],
        target_url: 'www.example.com/sdc',
        headers: [{ name: 'Authorization', value: 'Basic x' }, { key: 'X-A', value: 1 }, { 'X-B': 'b' }],
        advanced_filters: [
          { key: 'data.recipient', operator: 'StringEndsWith', value: 'gmail.com' },
          { key: 'data.n', operatorType: 'numberIn', values: [1, '2'] },
          { key: 'data.n', operator: 'numberInRange', value: [1, 5] },
          { key: 'data.x', operator: 'isNullOrUndefined' },
          'data.account_id equals d6862df2-59c2-4fbc-b248-d1374967dafd',
        ],
      },
    ]);
    expect(s.targetUrl).toBe('https://www.example.com/sdc');
    expect(s.headers).toEqual([{ name: 'Authorization', value: 'Basic x' }, { name: 'X-A', value: '1' }, { name: 'X-B', value: 'b' }]);
    expect(s.spec.advanced).toEqual([
      { key: 'data.recipient', operator: 'stringEndsWith', values: ['gmail.com'] },
      { key: 'data.n', operator: 'numberIn', values: [1, '2'] },
      { key: 'data.n', operator: 'numberInRange', values: [[1, 5]] },
      { key: 'data.x', operator: 'isNullOrUndefined', values: [] },
      { key: 'data.account_id', operator: 'equals', values: ['d6862df2-59c2-4fbc-b248-d1374967dafd'] },
    ]);
    expect(toSubscriptionView({ url: s.targetUrl, spec: s.spec, headers: [] }).advanced_filters).toEqual([
      { key: 'data.recipient', operator: 'stringEndsWith', value: 'gmail.com' },
      { key: 'data.n', operator: 'numberIn', values: [1, '2'] },
      { key: 'data.n', operator: 'numberInRange', value: [1, 5] },
      { key: 'data.x', operator: 'isNullOrUndefined' },
      { key: 'data.account_id', operator: 'equals', value: 'd6862df2-59c2-4fbc-b248-d1374967dafd' },
    ]);
    expect(parseSubscriptions([{ filters: ['a'], target_url: 'https://x.example', headers: { 'X-Map': 'v' } }])[0].headers).toEqual([{ name: 'X-Map', value: 'v' }]);
  });

  it('reports every problem of the set, keyed by position', () => {
    const errors = errorsOf(() =>
      parseSubscriptions([
        { filters: [], target_url: '' },
        { filters: ['ok.*', 'a*b'], target_url: 'https://x.example', headers: [{ name: 'Host', value: 'x' }, { name: 'X-A', value: 'a\r\nb' }, { name: 'x-dup', value: '1' }, { name: 'X-Dup', value: '2' }] },
        {
          filters: ['*'],
          target_url: 'https://x.example',
          advanced_filters: [
            { key: 'data.n', operator: 'numberLessThan', value: 'abc' },
            { key: 'data.n', operator: 'numberInRange', value: [5, 1] },
            { key: 'data.n', operator: 'boolEquals', value: 'yes' },
            { key: 'data.n', operator: 'stringIn', value: 'x'.repeat(513) },
            { key: 'data.n', operator: 'stringIn' },
            { key: 'data.n', operator: 'isNotNull', value: 1 },
            { key: '', operator: 'equals', value: 1 },
          ],
        },
        { filters: ['*'], target_url: 'https://x.example', advanced_filters: Array.from({ length: 26 }, () => ({ key: 'a', operator: 'isNotNull' })) },
      ]),
    );
    expect(Object.keys(errors).sort()).toEqual(
      [
        '[0].filters',
        '[0].target_url',
        '[1].filters[1]',
        '[1].headers[0]',
        '[1].headers[1]',
        '[1].headers[3]',
        '[2].advanced_filters[0].value',
        '[2].advanced_filters[1].value',
        '[2].advanced_filters[2].value',
        '[2].advanced_filters[3].value',
        '[2].advanced_filters[4].value',
        '[2].advanced_filters[5].value',
        '[2].advanced_filters[6].key',
        '[3].advanced_filters',
      ].sort(),
    );
    expect(errors['[1].headers[0]'][0]).toContain('Host');
  });

  it('refuses a body that is not an array', () => {
    expect(Object.keys(errorsOf(() => parseSubscriptions({ filters: ['*'] })))).toEqual(['body']);
  });
});
