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
 * Sends one order so that it can never be placed twice or lost.
 * - A refusal before processing (429/418) is sent again after backoff, under the same client id.
 * - An unknown outcome (timeout, dropped connection, 5xx) is never sent again: the order may be on the book, or
 *   still on its way to it. It is looked up by client id, with backoff, a few times; found, it is adopted; never
 *   found, it is 'unknown' and the caller keeps it as pending for the next cycle's sync to settle (and a later plan
 *   re-sends what is still missing under a new id).
 * - A reject (insufficient funds, invalid order, "duplicate order" after an earlier attempt) is looked up once (the
 *   duplicate case) and otherwise skipped; an authentication or permission error halts by throwing.
 */
export async function placeOrder(venue: Venue, req: OrderRequest, o: PlaceOptions): Promise<PlaceOutcome> {
  let last: VenueError | null = null;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    try {
      return { kind: 'placed', order: await venue.submit(req), attempts: attempt + 1 };
    } catch (err) {
      last = mapVenueError(err, `submit ${req.clientOrderId}`);
      if (last.action === 'halt') throw last;
      if (last.action === 'retry') {
        if (attempt < o.retries) {
          const waitMs = backoffMs(attempt, o, last.retryAfterMs);
          o.log.info({ clientOrderId: req.clientOrderId, attempt, waitMs, err: last.message }, 'order refused before processing: sending it again');
          await o.sleep(waitMs);
        }
        continue;
      }
      if (last.action === 'skip') {
        const found = await lookupOrder(venue, req.clientOrderId, req.symbol, o);
        if (found !== null && found !== 'unknown') return { kind: 'adopted', order: found, attempts: attempt + 1 };
        return { kind: found === 'unknown' ? 'unknown' : 'failed', error: last, attempts: attempt + 1 };
      }
      // unknown outcome: look, wait, look again; never send it again
      for (let look = 0; look <= o.retries; look++) {
        const found = await lookupOrder(venue, req.clientOrderId, req.symbol, o);
        if (found !== null && found !== 'unknown') return { kind: 'adopted', order: found, attempts: attempt + 1 };
        if (look < o.retries) await o.sleep(backoffMs(look, o));
      }
      return { kind: 'unknown', error: last, attempts: attempt + 1 };
    }
  }
  return { kind: 'failed', error: last!, attempts: o.retries + 1 };
}
