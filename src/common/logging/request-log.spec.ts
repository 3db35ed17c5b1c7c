import { requestLogLevel } from './request-log';

describe('requestLogLevel', () => {
  const policy = { sample: 0.25, slowMs: 1000 };
  const never = () => 0.99;
  const always = () => 0;

  it('always logs server errors (error), slow requests (warn) and client errors (info)', () => {
    expect(requestLogLevel(500, 3, policy, never)).toBe('error');
    expect(requestLogLevel(503, 5000, policy, never)).toBe('error');
    expect(requestLogLevel(202, 1000, policy, never)).toBe('warn');
    expect(requestLogLevel(404, 2000, policy, never)).toBe('warn');
    expect(requestLogLevel(400, 3, policy, never)).toBe('info');
    expect(requestLogLevel(429, 3, policy, never)).toBe('info');
  });

  it('logs a sampled share of fast successful requests', () => {
    expect(requestLogLevel(202, 3, policy, always)).toBe('info');
    expect(requestLogLevel(202, 3, policy, () => 0.24)).toBe('info');
    expect(requestLogLevel(202, 3, policy, () => 0.25)).toBeNull();
    expect(requestLogLevel(304, 3, policy, never)).toBeNull();
    expect(requestLogLevel(200, 3, { sample: 1, slowMs: 1000 }, () => 0.999)).toBe('info');
    expect(requestLogLevel(200, 3, { sample: 0, slowMs: 1000 }, always)).toBeNull();
  });
});
