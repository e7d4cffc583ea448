import { CoceError } from '../../utils/errors.js';

/**
 * Errors of the live data sources, mapped once at the adapter so callers never read error text: transient ones
 * (network, timeouts, 5xx, rate limits, a garbled body) are retried with backoff; the others are not.
 */
export class SourceError extends CoceError {
  override name = 'SourceError';
  readonly exitCode = 1;
  readonly retryable: boolean = false;
  readonly retryAfterMs: number | null = null;
}

export class TransientSourceError extends SourceError {
  override name = 'TransientSourceError';
  override readonly retryable = true;
}

export class RateLimitedError extends TransientSourceError {
  override name = 'RateLimitedError';
  constructor(
    message: string,
    override readonly retryAfterMs: number | null,
    context: Record<string, unknown> = {},
  ) {
    super(message, context);
  }
}

/** A 200 answer whose body is not what the API documents (HTML from a proxy, truncated JSON, wrong shape). */
export class MalformedResponseError extends TransientSourceError {
  override name = 'MalformedResponseError';
}

/** The request itself is wrong (unknown symbol, bad parameter, bad key): retrying cannot help. */
export class RejectedRequestError extends SourceError {
  override name = 'RejectedRequestError';
}
