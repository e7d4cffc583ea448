import { UsageError } from '../utils/errors.js';
import { mapVenueError } from '../execution/venue-errors.js';
import type { ChainQuote } from './chain.js';
import { parseInstrument } from './instrument.js';
import type { OptionFill, OptionsVenue } from './options-venue.js';
import { optionFeeCoin } from './sleeve.js';

/** Deribit's book summary of one option (public/get_book_summary_by_*), the fields COCE reads. */
interface BookSummary {
  instrument_name: string;
  bid_price?: number | null;
  ask_price?: number | null;
  mark_price?: number | null;
  /** Percent. */
  mark_iv?: number | null;
  open_interest?: number | null;
  underlying_price?: number | null;
  estimated_delivery_price?: number | null;
}

/** The part of ccxt's deribit exchange the venue uses: unified option methods plus two implicit endpoints. */
export interface DeribitExchange {
  loadMarkets(reload?: boolean): Promise<Record<string, { id: string; symbol: string; option?: boolean }>>;
  markets_by_id?: Record<string, { symbol: string }[] | undefined>;
  fetchOptionChain(code: string): Promise<Record<string, { info: BookSummary }>>;
  fetchOption(symbol: string): Promise<{ info: BookSummary }>;
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: Record<string, unknown>): Promise<{ id: string; filled?: number | undefined; average?: number | undefined; status?: string | undefined; info: { order?: { filled_amount?: number; average_price?: number }; trades?: { fee?: number; fee_currency?: string; index_price?: number }[] } }>;
  privateGetGetPositions(params: { currency: string; kind: string }): Promise<{ result?: { instrument_name: string; size: number; kind?: string }[] }>;
  publicGetGetDeliveryPrices(params: { index_name: string; count?: number }): Promise<{ result?: { data?: { date: string; delivery_price: number }[] } }>;
  urls: Record<string, unknown> & { api: Record<string, string> };
  setSandboxMode(on: boolean): void;
}

/** Build ccxt's deribit exchange (test.deribit.com on testnet), lazily like the spot exchange. */
export async function createDeribitExchange(o: { sandbox: boolean; apiKey?: string | undefined; secret?: string | undefined; apiUrl?: string | null; timeoutMs: number; rateLimitMs?: number }): Promise<DeribitExchange> {
  const ccxt = (await import('ccxt')).default as unknown as Record<string, new (cfg: object) => DeribitExchange>;
  const Ctor = ccxt.deribit;
  if (typeof Ctor !== 'function') throw new UsageError('this ccxt build has no deribit exchange');
  const ex = new Ctor({
    enableRateLimit: true,
    ...(o.rateLimitMs === undefined ? {} : { rateLimit: o.rateLimitMs }),
    timeout: o.timeoutMs,
    ...(o.apiKey === undefined ? {} : { apiKey: o.apiKey, secret: o.secret }),
  });
  if (o.sandbox) ex.setSandboxMode(true);
  if (o.apiUrl) ex.urls.api.rest = o.apiUrl.replace(/\/$/, '');
  return ex;
}

/**
 * The sleeve's options on Deribit through ccxt: the chain from fetchOptionChain (get_book_summary_by_currency), one
 * quote from fetchOption, orders as immediate-or-cancel limits (private/buy, private/sell) labelled for COCE, and
 * settlement prices from public/get_delivery_prices. Prices stay in Deribit's inverse convention (coin per contract).
 */
export class DeribitOptionsVenue implements OptionsVenue {
  readonly name = 'deribit';

  constructor(private readonly ex: DeribitExchange) {}

  async init(): Promise<void> {
    try {
      await this.ex.loadMarkets();
    } catch (err) {
      throw mapVenueError(err, 'deribit loadMarkets');
    }
  }

  /** ccxt's symbol for a Deribit name; markets are reloaded once for a name listed since start-up. */
  private async symbolOf(instrument: string): Promise<string> {
    let m = this.ex.markets_by_id?.[instrument]?.[0];
    if (m === undefined) {
      await this.ex.loadMarkets(true);
      m = this.ex.markets_by_id?.[instrument]?.[0];
    }
    if (m === undefined) throw new RangeError(`${instrument} is not listed on Deribit`);
    return m.symbol;
  }

  private toQuote(b: BookSummary): ChainQuote | null {
    let inst;
    try {
      inst = parseInstrument(b.instrument_name);
    } catch {
      return null; // not an option (a future or a combo in the same summary)
    }
    const indexUsd = b.underlying_price ?? b.estimated_delivery_price ?? null;
    if (indexUsd === null || !(indexUsd > 0) || b.mark_price == null || b.mark_iv == null) return null;
    return {
      instrument: inst.name,
      underlying: inst.underlying,
      expiryMs: inst.expiryMs,
      strike: inst.strike,
      type: inst.type,
      bid: b.bid_price ?? 0,
      ask: b.ask_price ?? 0,
      mark: b.mark_price,
      markIv: b.mark_iv / 100,
      openInterest: b.open_interest ?? 0,
      indexUsd,
    };
  }

  async chain(underlying: string): Promise<ChainQuote[]> {
    try {
      const chain = await this.ex.fetchOptionChain(underlying);
      return Object.values(chain).flatMap((o) => this.toQuote(o.info) ?? []).sort((a, b) => (a.instrument < b.instrument ? -1 : 1));
    } catch (err) {
      throw mapVenueError(err, `fetchOptionChain ${underlying}`);
    }
  }

  async quote(instrument: string, nowMs: number): Promise<ChainQuote | null> {
    if (parseInstrument(instrument).expiryMs <= nowMs) return null; // expired: it settles, it has no quote
    try {
      return this.toQuote((await this.ex.fetchOption(await this.symbolOf(instrument))).info);
    } catch (err) {
      if (err instanceof RangeError) return null; // delisted (expired)
      throw mapVenueError(err, `fetchOption ${instrument}`);
    }
  }

  async trade(instrument: string, side: 'buy' | 'sell', qty: number, limitCoin: number): Promise<OptionFill> {
    let o;
    try {
      o = await this.ex.createOrder(await this.symbolOf(instrument), 'limit', side, qty, limitCoin, { time_in_force: 'immediate_or_cancel', label: 'coce-sleeve' });
    } catch (err) {
      throw mapVenueError(err, `deribit ${side} ${instrument}`);
    }
    const filled = o.filled ?? o.info.order?.filled_amount ?? 0;
    const avg = o.average ?? o.info.order?.average_price ?? 0;
    if (!(filled > 0)) throw new RangeError(`deribit ${side} ${instrument}: nothing filled at ${limitCoin}`);
    const trades = o.info.trades ?? [];
    const feeCoin = trades.length > 0 ? trades.reduce((a, t) => a + (t.fee ?? 0), 0) : optionFeeCoin(avg, filled);
    const indexUsd = trades.find((t) => (t.index_price ?? 0) > 0)?.index_price ?? 0;
    return { instrument, side, qty: filled, priceCoin: avg, feeCoin, indexUsd };
  }

  async positions(underlyings: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const u of underlyings) {
      let r;
      try {
        r = await this.ex.privateGetGetPositions({ currency: u, kind: 'option' });
      } catch (err) {
        throw mapVenueError(err, `get_positions ${u}`);
      }
      for (const p of r.result ?? []) if (p.size !== 0) out[p.instrument_name] = p.size;
    }
    return out;
  }

  async settlementUsd(underlying: string, expiryMs: number): Promise<number | null> {
    let r;
    try {
      // the most recent 1 000 days (Deribit's maximum page): a settlement after a long stop is still found
      r = await this.ex.publicGetGetDeliveryPrices({ index_name: `${underlying.toLowerCase()}_usd`, count: 1000 });
    } catch (err) {
      throw mapVenueError(err, `get_delivery_prices ${underlying}`);
    }
    const day = new Date(expiryMs).toISOString().slice(0, 10);
    return r.result?.data?.find((d) => d.date === day)?.delivery_price ?? null;
  }
}
