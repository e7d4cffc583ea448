import { errorClassNames } from '../../utils/errors.js';
import { MalformedResponseError, RateLimitedError, RejectedRequestError, SourceError, TransientSourceError } from './source-errors.js';


/**
 * ccxt's errors as COCE source errors, once, here. 429/418 arrive as DDoSProtection (not RateLimitExceeded) from
 * binance, so both count as rate limits; the rest of NetworkError is transient; ExchangeError and its children
 * (BadSymbol, BadRequest, AuthenticationError...) are rejections; a TypeError/SyntaxError from parsing a garbled
 * body is malformed.
 */
export function mapCcxtError(err: unknown, what: string): Error {
  if (err instanceof SourceError) return err;
  const names = new Set(errorClassNames(err));
  const msg = `${what}: ${(err as Error)?.message ?? String(err)}`.slice(0, 300);
  const kind = [...names][0] ?? 'Error';
  if (names.has('DDoSProtection') || names.has('RateLimitExceeded')) return new RateLimitedError(msg, null, { kind });
  if (names.has('NetworkError')) return new TransientSourceError(msg, { kind });
  if (names.has('ExchangeError') || names.has('BadRequest') || names.has('NotSupported') || names.has('ArgumentsRequired')) {
    return new RejectedRequestError(msg, { kind });
  }
  if (names.has('TypeError') || names.has('SyntaxError') || names.has('BadResponse')) return new MalformedResponseError(msg, { kind });
  return err instanceof Error ? err : new Error(msg);
}
