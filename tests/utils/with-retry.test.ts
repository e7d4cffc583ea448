import { describe, expect, it } from 'vitest';
import { RateLimitedError, RejectedRequestError, TransientSourceError } from '../../src/data_ingest/live/source-errors.js';
import { backoffMs, withRetry } from '../../src/utils/with-retry.js';
import { memoryLogger } from '../helpers.js';

const run = async (failures: Error[], retries = 3) => {
  const waits: number[] = [];
  let calls = 0;
  const { log, lines } = memoryLogger();
  const out = await withRetry(
    () => {
      const e = failures[calls++];
      return e ? Promise.reject(e) : Promise.resolve('ok');
    },
    { retries, baseDelayMs: 100, maxDelayMs: 1000, sleep: (ms) => (waits.push(ms), Promise.resolve()), log, what: 'op' },
  ).catch((e: unknown) => e);
  return { out, waits, calls, lines };
};

describe('withRetry', () => {
  it('retries transient errors with doubling waits, and a server wait when longer', async () => {
    const r = await run([new TransientSourceError('a'), new TransientSourceError('b'), new RateLimitedError('c', 900)]);
    expect(r.out).toBe('ok');
    expect(r.waits).toEqual([100, 200, 900]);
    expect(r.calls).toBe(4);
    expect(r.lines.filter((l) => l.includes('"msg":"retrying"'))).toHaveLength(3);
  });

  it('gives up after the budget and never retries a rejection', async () => {
    const many = await run(Array.from({ length: 5 }, () => new TransientSourceError('down')), 2);
    expect((many.out as Error).message).toBe('down');
    expect(many.calls).toBe(3);
    expect(many.lines.at(-1)).toContain('giving up after retries');
    const bad = await run([new RejectedRequestError('bad symbol')]);
    expect(bad.calls).toBe(1);
    expect(bad.waits).toEqual([]);
    expect(bad.lines.at(-1)).toContain('not retryable');
  });

  it('fails at once when the server asks for a longer wait than max_delay_ms', async () => {
    const r = await run([new RateLimitedError('ban', 86_400_000)]);
    expect(r.calls).toBe(1);
    expect(r.waits).toEqual([]);
    expect(r.lines.at(-1)).toContain('server asks to wait 86400000 ms, above max_delay_ms 1000');
  });

  it('caps the backoff', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffMs(a, { baseDelayMs: 100, maxDelayMs: 1000 }))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
