import { CoceError, errorClassNames } from '../utils/errors.js';

/**
 * What the router does about a venue error: `unknown` outcomes (a timeout or a dropped connection after the order
 * may have been accepted) are looked up by client id before anything is sent again; `retry` errors (rate limits,
 * 5xx, exchange down) are retried with backoff; `skip` errors (insufficient funds, an invalid order) drop this order
 * and go on; `halt` errors (bad credentials, a venue that answers nonsense about our account) stop trading.
 */
export type VenueErrorAction = 'unknown' | 'retry' | 'skip' | 'halt';

export class VenueError extends CoceError {
  override name = 'VenueError';
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly action: VenueErrorAction,
    context: Record<string, unknown> = {},
    readonly retryAfterMs: number | null = null,
  ) {
    super(message, context);
  }

  get retryable(): boolean {
    return this.action === 'retry' || this.action === 'unknown';
  }
}

/**
 * ccxt's error classes as venue actions, in one place. Order matters: DDoSProtection (binance's 429/418) and
 * RateLimitExceeded are `retry` (the request was refused before it was processed); RequestTimeout, NetworkError,
 * ExchangeNotAvailable and OnMaintenance (5xx: Binance documents their outcome as UNKNOWN, "could have been a
 * success") are `unknown`; InsufficientFunds, InvalidOrder (bad size/price, duplicate client id) and OrderNotFound
 * are `skip`; AuthenticationError, PermissionDenied and AccountSuspended are `halt`; any other ExchangeError is
 * `skip`, anything unrecognised `halt`.
 */
export function mapVenueError(err: unknown, what: string): VenueError {
  if (err instanceof VenueError) return err;
  const names = errorClassNames(err);
  const has = (n: string) => names.includes(n);
  const msg = `${what}: ${(err as Error)?.message ?? String(err)}`.slice(0, 300);
  const ctx = { kind: names[0] ?? 'Error' };
  if (has('DDoSProtection') || has('RateLimitExceeded')) return new VenueError(msg, 'retry', ctx);
  if (has('RequestTimeout') || has('NetworkError')) return new VenueError(msg, 'unknown', ctx);
  if (has('AuthenticationError') || has('PermissionDenied') || has('AccountSuspended')) return new VenueError(msg, 'halt', ctx);
  if (has('InsufficientFunds') || has('InvalidOrder') || has('OrderNotFound') || has('BadSymbol') || has('ExchangeError')) return new VenueError(msg, 'skip', ctx);
  if (has('TypeError') || has('SyntaxError') || has('BadResponse')) return new VenueError(msg, 'unknown', ctx);
  return new VenueError(msg, 'halt', ctx);
}
