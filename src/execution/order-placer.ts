import { backoffMs } from '../utils/with-retry.js';
import type { Logger } from '../utils/logger.js';
import type { OrderRequest, Venue, VenueOrder } from './venue.js';
import { mapVenueError, type VenueError } from './venue-errors.js';

export interface PlaceOptions {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  log: Logger;
}

export type PlaceOutcome =
  | { kind: 'placed' | 'adopted'; order: VenueOrder; attempts: number }
  /** The venue does not have it and will not take it (or gave up): nothing is on the book. */
  | { kind: 'failed'; error: VenueError; attempts: number }
  /** Sent, but neither the answer nor a lookup came back: it may be on the book (recorded as pending). */
  | { kind: 'unknown'; error: VenueError; attempts: number };

/**
 * Looks an order up by client id, retrying what a retry can fix. 'unknown' when the venue could not be asked.
 */
export async function lookupOrder(venue: Venue, clientOrderId: string, symbol: string, o: PlaceOptions): Promise<VenueOrder | null | 'unknown'> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await venue.fetchOrder(clientOrderId, symbol);
    } catch (err) {
      const e = mapVenueError(err, `look up ${clientOrderId}`);
      if (e.action === 'halt') throw e;
      if (!e.retryable || attempt >= o.retries) {
        o.log.warn({ clientOrderId, err: e.message }, 'order lookup failed: its fate is unknown until the next cycle');
        return 'unknown';
      }
      await o.sleep(backoffMs(attempt, o, e.retryAfterMs));
    }
  }
}

/**
 * Sends one order so that it can never be placed twice or lost. After any error the order may already be on the
 * book (a timeout after the exchange accepted it, a 5xx from a proxy behind which it went through, a "duplicate"
 * reject of an earlier attempt), so it is looked up by its client id before anything is sent again: found, it is
 * adopted; not found, the error decides (retry with backoff, skip, or halt by throwing). When even the lookup fails
 * the outcome is 'unknown' and the caller records the order as pending, to be looked up next cycle, never resent.
 */
export async function placeOrder(venue: Venue, req: OrderRequest, o: PlaceOptions): Promise<PlaceOutcome> {
  let last: VenueError | null = null;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    try {
      return { kind: 'placed', order: await venue.submit(req), attempts: attempt + 1 };
    } catch (err) {
      last = mapVenueError(err, `submit ${req.clientOrderId}`);
      if (last.action === 'halt') throw last;
      const found = await lookupOrder(venue, req.clientOrderId, req.symbol, o);
      if (found === 'unknown') return { kind: 'unknown', error: last, attempts: attempt + 1 };
      if (found !== null) return { kind: 'adopted', order: found, attempts: attempt + 1 };
      if (last.action === 'skip') return { kind: 'failed', error: last, attempts: attempt + 1 };
      if (attempt < o.retries) {
        const waitMs = backoffMs(attempt, o, last.retryAfterMs);
        o.log.info({ clientOrderId: req.clientOrderId, attempt, waitMs, err: last.message }, 'order not on the book: sending it again');
        await o.sleep(waitMs);
      }
    }
  }
  return { kind: 'failed', error: last!, attempts: o.retries + 1 };
}
