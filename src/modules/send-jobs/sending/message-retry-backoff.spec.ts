import { messageRetryBackoffMs } from './message-retry-backoff';

describe('messageRetryBackoffMs', () => {
  it('doubles per attempt with jitter and a cap', () => {
    expect(messageRetryBackoffMs(1, 0.5)).toBe(1000);
    expect(messageRetryBackoffMs(3, 0.5)).toBe(4000);
    expect(messageRetryBackoffMs(30, 0.5)).toBe(300_000);
    expect(messageRetryBackoffMs(2, 0)).toBe(1500);
  });
});
