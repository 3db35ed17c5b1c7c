import { createdLocation } from './created-location';

describe('createdLocation', () => {
  it('joins the public base URL, the collection path and the id, whatever the slashes and query', () => {
    expect(createdLocation('https://api.example.com', '/v1/acme/webhooks', 'abc')).toBe('https://api.example.com/v1/acme/webhooks/abc');
    expect(createdLocation('https://api.example.com/', '/v1/acme/webhooks/?x=1', 'abc')).toBe('https://api.example.com/v1/acme/webhooks/abc');
    expect(createdLocation('https://example.com/engine', 'v1/acme/webhooks', 'a b')).toBe('https://example.com/engine/v1/acme/webhooks/a%20b');
  });
});
