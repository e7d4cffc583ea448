import { mapVenueError } from '../execution/venue-errors.js';
import { CoceError } from '../utils/errors.js';
import type { Logger } from '../utils/logger.js';
import { isRetryable, withRetry, type Sleep } from '../utils/with-retry.js';

/**
 * An exchange (or data source) that could not be used at start-up: markets, the account, the history the filters
 * warm up on. The operator fixes the URL, the keys or the network and starts again; nothing was saved.
 */
export class ExchangeStartError extends CoceError {
  override name = 'ExchangeStartError';
  readonly exitCode = 2;
}

export interface StartupRetry {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: Sleep;
  log: Logger;
}

/**
 * One start-up call to an exchange: transient faults (rate limits, 5xx, timeouts, a garbled answer) are retried with
 * backoff as they are in every cycle; what still fails becomes an ExchangeStartError naming the step and the cause,
 * instead of a stack trace.
 */
export async function atStartup<T>(what: string, fn: () => Promise<T>, o: StartupRetry): Promise<T> {
  try {
    return await withRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          // the adapters' typed errors say whether a retry can help; ccxt's own classes are mapped as the venue does
          throw isRetryable(err) || err instanceof CoceError ? err : mapVenueError(err, what);
        }
      },
      { ...o, what },
    );
  } catch (err) {
    if (err instanceof CoceError && err.exitCode === 2) throw err; // already an operator's error (a bad config value)
    throw new ExchangeStartError(`cannot start: ${what} failed (${(err as Error)?.message ?? String(err)}). Check market.sources and the keys, and that the exchange answers, then start again; nothing was saved.`, { what });
  }
}
