import type { Logger } from './logger.js';

/** Errors that say whether trying again can help, and how long to wait first when the server said so. */
export interface RetryHint {
  retryable?: boolean;
  retryAfterMs?: number | null;
}

export const isRetryable = (err: unknown): boolean => (err as RetryHint | null)?.retryable === true;

export type Sleep = (ms: number) => Promise<void>;

export interface RetryOptions {
  /** Retries after the first attempt (so at most retries + 1 calls). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: Sleep;
  log: Logger;
  /** Names the operation in log lines. */
  what: string;
}

/** Exponential backoff: base, 2 x base, 4 x base ... capped; a server's Retry-After wins when it asks for longer. */
export function backoffMs(attempt: number, o: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, retryAfterMs?: number | null): number {
  const exp = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt);
  return Math.min(o.maxDelayMs, Math.max(exp, retryAfterMs ?? 0));
}

/** The one retry loop: retries only errors marked retryable, waits with backoff, logs and rethrows when it gives up. */
export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const asked = (err as RetryHint).retryAfterMs ?? 0;
      if (!isRetryable(err) || attempt >= o.retries || asked > o.maxDelayMs) {
        // A server asking for a longer wait than max_delay_ms fails now: the caller skips and tries next cycle.
        const why = !isRetryable(err) ? 'not retryable' : asked > o.maxDelayMs ? `server asks to wait ${asked} ms, above max_delay_ms ${o.maxDelayMs}` : 'giving up after retries';
        o.log.warn({ what: o.what, attempt, err: (err as Error).message }, why);
        throw err;
      }
      const waitMs = backoffMs(attempt, o, (err as RetryHint).retryAfterMs);
      o.log.info({ what: o.what, attempt, waitMs, err: (err as Error).message }, 'retrying');
      await o.sleep(waitMs);
    }
  }
}
