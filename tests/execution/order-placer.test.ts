import { describe, expect, it } from 'vitest';
import { lookupOrder, placeOrder } from '../../src/execution/order-placer.js';
import type { OrderRequest, Venue, VenueOrder } from '../../src/execution/venue.js';
import { mapVenueError, VenueError } from '../../src/execution/venue-errors.js';
import { memoryLogger } from '../helpers.js';
import { AuthenticationError, DDoSProtection, ExchangeNotAvailable, InsufficientFunds, InvalidOrder, OrderNotFound, RequestTimeout } from './fake-errors.js';

/** A venue whose n-th call of each method can be scripted to fail before or after the order reaches the book. */
class ScriptedVenue implements Venue {
  readonly name = 'scripted';
  book = new Map<string, VenueOrder>();
  submits = 0;
  lookups = 0;
  constructor(
    private submitScript: ('ok' | 'fail-before' | 'fail-after' | Error)[],
    private lookupScript: (Error | 'ok')[] = [],
  ) {}
  submit(o: OrderRequest): Promise<VenueOrder> {
    this.submits++;
    const step = this.submitScript.shift() ?? 'ok';
    if (step instanceof Error) return Promise.reject(step);
    if (step === 'fail-before') return Promise.reject(new RequestTimeout('timed out'));
    if (this.book.has(o.clientOrderId)) return Promise.reject(new InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}'));
    const v: VenueOrder = { clientOrderId: o.clientOrderId, venueOrderId: String(this.book.size + 1), symbol: o.symbol, side: o.side, qty: o.qty, filledQty: o.qty, avgFillPriceUsd: o.refPriceUsd, feeUsd: 0, feeBaseQty: 0, limitPriceUsd: o.limitPriceUsd, status: 'filled' };
    this.book.set(o.clientOrderId, v);
    return step === 'fail-after' ? Promise.reject(new RequestTimeout('timed out after accept')) : Promise.resolve(v);
  }
  fetchOrder(id: string): Promise<VenueOrder | null> {
    this.lookups++;
    const step = this.lookupScript.shift() ?? 'ok';
    if (step instanceof Error) return Promise.reject(step);
    return Promise.resolve(this.book.get(id) ?? null);
  }
  cancel(id: string): Promise<VenueOrder | null> {
    return this.fetchOrder(id);
  }
  openOrders(): Promise<VenueOrder[]> {
    return Promise.resolve([]);
  }
  balances() {
    return Promise.resolve({ cashUsd: 0, assets: {} });
  }
}

const req: OrderRequest = { clientOrderId: 'coce-1-A-b1', symbol: 'A', side: 'buy', qty: 5, type: 'limit', limitPriceUsd: 1.005, refPriceUsd: 1 };
const waits: number[] = [];
const opts = () => ({ retries: 3, baseDelayMs: 100, maxDelayMs: 1_000, sleep: (ms: number) => (waits.push(ms), Promise.resolve()), log: memoryLogger().log });

describe('placeOrder', () => {
  it('adopts an order the venue accepted before the timeout instead of sending it again', async () => {
    const v = new ScriptedVenue(['fail-after']);
    const out = await placeOrder(v, req, opts());
    expect(out).toMatchObject({ kind: 'adopted', attempts: 1, order: { clientOrderId: req.clientOrderId, filledQty: 5 } });
    expect(v.submits).toBe(1);
    expect(v.book.size).toBe(1);
  });

  it('sends again, with backoff, only what the venue refused before processing (429/418)', async () => {
    waits.length = 0;
    const v = new ScriptedVenue([new DDoSProtection('429'), new DDoSProtection('418')]);
    const out = await placeOrder(v, req, opts());
    expect(out).toMatchObject({ kind: 'placed', attempts: 3 });
    expect(v.lookups).toBe(0);
    expect(waits).toEqual([100, 200]);
    expect(v.book.size).toBe(1);
    const tired = await placeOrder(new ScriptedVenue([new DDoSProtection('1'), new DDoSProtection('2'), new DDoSProtection('3'), new DDoSProtection('4')]), req, opts());
    expect(tired).toMatchObject({ kind: 'failed', attempts: 4, error: { action: 'retry' } });
  });

  it('never sends again after an unknown outcome (timeout, 5xx): looks it up with backoff, else leaves it pending', async () => {
    waits.length = 0;
    // the order reached the book only after the client gave up: the second look finds it
    const late = new ScriptedVenue(['fail-before']);
    const original = late.fetchOrder.bind(late);
    late.fetchOrder = (id: string) => {
      if (late.lookups === 1) late.book.set(id, { clientOrderId: id, venueOrderId: '9', symbol: 'A', side: 'buy', qty: 5, filledQty: 5, avgFillPriceUsd: 1, feeUsd: 0, feeBaseQty: 0, limitPriceUsd: 1.005, status: 'filled' });
      return original(id);
    };
    const out = await placeOrder(late, req, opts());
    expect(out).toMatchObject({ kind: 'adopted', order: { venueOrderId: '9' } });
    expect(late.submits).toBe(1);
    const gone = new ScriptedVenue([new ExchangeNotAvailable('503')]);
    const never = await placeOrder(gone, req, opts());
    expect(never).toMatchObject({ kind: 'unknown', error: { action: 'unknown' } });
    expect(gone.submits).toBe(1);
    expect(gone.lookups).toBe(4);
    expect(waits).toEqual([100, 100, 200, 400]);
  });

  it('a duplicate reject of a retry finds the first attempt; real rejects skip; auth errors halt', async () => {
    const v = new ScriptedVenue(['ok']);
    await placeOrder(v, req, opts());
    const again = await placeOrder(v, req, opts());
    expect(again).toMatchObject({ kind: 'adopted' });
    expect(v.book.size).toBe(1);
    const poor = await placeOrder(new ScriptedVenue([new InsufficientFunds('no money')]), req, opts());
    expect(poor).toMatchObject({ kind: 'failed', error: { action: 'skip' } });
    await expect(placeOrder(new ScriptedVenue([new AuthenticationError('bad key')]), req, opts())).rejects.toMatchObject({ action: 'halt' });
  });

  it('when the lookup itself keeps failing the order is unknown (pending), never resent', async () => {
    const v = new ScriptedVenue(['fail-after'], Array.from({ length: 20 }, () => new RequestTimeout('t')));
    const out = await placeOrder(v, req, opts());
    expect(out.kind).toBe('unknown');
    expect(v.submits).toBe(1);
    const rejected = await placeOrder(new ScriptedVenue([new InsufficientFunds('x')], Array.from({ length: 5 }, () => new RequestTimeout('t'))), req, opts());
    expect(rejected.kind).toBe('unknown');
    await expect(lookupOrder(new ScriptedVenue([], [new AuthenticationError('x')]), 'x', 'A', opts())).rejects.toMatchObject({ action: 'halt' });
    expect(await lookupOrder(new ScriptedVenue([], [new OrderNotFound('x')]), 'x', 'A', opts())).toBe('unknown');
  });
});

describe('mapVenueError', () => {
  it('maps ccxt classes to actions', () => {
    expect(mapVenueError(new DDoSProtection('x'), 'w').action).toBe('retry');
    expect(mapVenueError(new ExchangeNotAvailable('x'), 'w').action).toBe('unknown');
    expect(mapVenueError(new RequestTimeout('x'), 'w').action).toBe('unknown');
    expect(mapVenueError(new InsufficientFunds('x'), 'w').action).toBe('skip');
    expect(mapVenueError(new AuthenticationError('x'), 'w').action).toBe('halt');
    expect(mapVenueError(new SyntaxError('x'), 'w').action).toBe('unknown');
    expect(mapVenueError(new Error('x'), 'w').action).toBe('halt');
    const v = new VenueError('y', 'skip');
    expect(mapVenueError(v, 'w')).toBe(v);
    expect(v.retryable).toBe(false);
    expect(mapVenueError('text', 'submit').message).toBe('submit: text');
  });
});
