import { canonicalJson, requestFingerprint } from './fingerprint';

describe('request fingerprint', () => {
  it('ignores key order and whitespace', () => {
    expect(requestFingerprint(JSON.parse('{"b":1,"a":{"y":[1,2],"x":null}}'))).toBe(
      requestFingerprint(JSON.parse('{ "a": { "x": null, "y": [1, 2] }, "b": 1 }')),
    );
  });
  it('sees any change of value or array order', () => {
    expect(requestFingerprint({ a: [1, 2] })).not.toBe(requestFingerprint({ a: [2, 1] }));
    expect(requestFingerprint({ a: '1' })).not.toBe(requestFingerprint({ a: 1 }));
  });
  it('handles scalars and empty bodies', () => {
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('x')).toBe('"x"');
  });
});
