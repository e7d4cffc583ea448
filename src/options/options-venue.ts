import type { MarketSnapshot } from '../data_ingest/market-data-source.js';
import { DEFAULT_CHAIN, quoteOf, syntheticChain, type ChainQuote, type SyntheticChainSettings } from './chain.js';
import { parseInstrument } from './instrument.js';
import { optionFeeCoin } from './sleeve.js';

export interface OptionFill {
  instrument: string;
  side: 'buy' | 'sell';
  qty: number;
  priceCoin: number;
  feeCoin: number;
  /** Index price (USD) at the fill: coin amounts convert to USD at it. */
  indexUsd: number;
}

/** Where the sleeve's options trade: the paper venue in sim/backtest; Deribit (through ccxt) in testnet/live. */
export interface OptionsVenue {
  readonly name: string;
  /** Load markets; called once before anything else. */
  init?(): Promise<void>;
  observe?(snapshot: MarketSnapshot): void;
  chain(underlying: string, nowMs: number): Promise<ChainQuote[]>;
  /** The current quote of one instrument (null when the venue has none). */
  quote(instrument: string, nowMs: number): Promise<ChainQuote | null>;
  /** Buy at most at `limitCoin`, sell at least at it; a fill that is not possible throws. */
  trade(instrument: string, side: 'buy' | 'sell', qty: number, limitCoin: number, nowMs: number): Promise<OptionFill>;
  /** Options held at the venue (instrument -> contracts), for the sleeve's reconciliation; absent on paper. */
  positions?(underlyings: readonly string[]): Promise<Record<string, number>>;
  /** The index price an expiry settles at (Deribit: the average of the 30 minutes before 08:00 UTC). */
  settlementUsd(underlying: string, expiryMs: number): Promise<number | null>;
}

/**
 * Options for the sim: quotes from the synthetic chain built on the synthetic BTC/ETH paths (index = the bar's close,
 * volatility = its realized volatility); buys fill at the ask, sells at the bid, with Deribit's fee. An expiry settles
 * at the close of the bar that ends at 08:00 UTC.
 */
export class PaperOptionsVenue implements OptionsVenue {
  readonly name = 'paper-options';
  private snapshot: MarketSnapshot | null = null;
  /** Index closes at recent 08:00 UTC bars (the expiry times), by underlying and time: a later bar can still settle. */
  private readonly at0800 = new Map<string, number>();

  constructor(private readonly s: SyntheticChainSettings = DEFAULT_CHAIN) {}

  observe(snapshot: MarketSnapshot): void {
    this.snapshot = snapshot;
    if (new Date(snapshot.closeMs).getUTCHours() === 8 && snapshot.closeMs % 3_600_000 === 0) {
      for (const [u, bar] of Object.entries(snapshot.bars)) if (u === 'BTC' || u === 'ETH') this.at0800.set(`${u}:${snapshot.closeMs}`, bar.close);
      if (this.at0800.size > 200) this.at0800.delete(this.at0800.keys().next().value!);
    }
  }

  private index(underlying: string): { px: number; vol: number } | null {
    const px = this.snapshot?.bars[underlying]?.close;
    const vol = this.snapshot?.realizedVol[underlying];
    return px === undefined || !(px > 0) ? null : { px, vol: vol !== undefined && vol > 0 ? vol : this.s.minAtmVol };
  }

  chain(underlying: string, nowMs: number): Promise<ChainQuote[]> {
    const i = this.index(underlying);
    return Promise.resolve(i === null ? [] : syntheticChain(underlying, i.px, i.vol, nowMs, this.s));
  }

  quote(instrument: string, nowMs: number): Promise<ChainQuote | null> {
    const p = parseInstrument(instrument);
    const i = this.index(p.underlying);
    return Promise.resolve(i === null || p.expiryMs <= nowMs ? null : quoteOf(p.underlying, p.expiryMs, p.strike, p.type, i.px, i.vol, nowMs, this.s));
  }

  async trade(instrument: string, side: 'buy' | 'sell', qty: number, limitCoin: number, nowMs: number): Promise<OptionFill> {
    const q = await this.quote(instrument, nowMs);
    if (q === null) throw new RangeError(`no quote for ${instrument}`);
    const priceCoin = side === 'buy' ? q.ask : q.bid;
    if (side === 'buy' ? priceCoin > limitCoin : priceCoin < limitCoin || !(priceCoin > 0)) {
      throw new RangeError(`${instrument}: ${side} at ${priceCoin} is outside the limit ${limitCoin}`);
    }
    return { instrument, side, qty, priceCoin, feeCoin: optionFeeCoin(priceCoin, qty), indexUsd: q.indexUsd };
  }

  /**
   * The close of the bar ending at the expiry; when that bar was missing (a data gap) or not seen by this process,
   * the first close after it (recorded in the settlement event).
   */
  settlementUsd(underlying: string, expiryMs: number): Promise<number | null> {
    const exact = this.at0800.get(`${underlying}:${expiryMs}`);
    if (exact !== undefined) return Promise.resolve(exact);
    const snap = this.snapshot;
    return Promise.resolve(snap !== null && snap.closeMs >= expiryMs ? (snap.bars[underlying]?.close ?? null) : null);
  }
}
