import { describe, expect, it } from 'vitest';
import { ConvexController, type ConvexSettings } from '../../src/agent/convex-controller.js';
import { quoteOf, type ChainQuote } from '../../src/options/chain.js';
import type { OptionFill, OptionsVenue } from '../../src/options/options-venue.js';
import { parseInstrument } from '../../src/options/instrument.js';
import { freshState, makeContext } from './context.js';
import { AuthenticationError, NetworkError } from '../execution/fake-errors.js';

const settings: ConvexSettings = { budgetFraction: 0.005, budgetPeriodMs: 30 * 86_400_000, underlyings: ['BTC'], minDteDays: 30, maxDteDays: 90, deltaMin: 0.05, deltaMax: 0.1, includePuts: false, maxSpread: 0.2, minOpenInterest: 10, rollDteDays: 7, takeProfitMultiple: 5, runEveryBars: 24, trading: true };
const NOW = Date.UTC(2026, 0, 2, 8); // a Friday 08:00 UTC bar close
const cycleAt = (ms: number) => ms / 3_600_000 - 1;

/** A scripted options venue: quotes from the synthetic chain at a fixed index, fills and faults on demand. */
class FakeOptions implements OptionsVenue {
  readonly name = 'fake';
  held: Record<string, number> = {};
  bought: OptionFill[] = [];
  settleFails = new Set<string>();
  sellFill: number | null = null;
  buyError: Error | null = null;
  constructor(private readonly index = 60_000) {}
  chain(u: string, nowMs: number): Promise<ChainQuote[]> {
    return Promise.resolve([quoteOf(u, Date.UTC(2026, 1, 27, 8), 90_000, 'call', this.index, 0.6, nowMs)]);
  }
  quote(instrument: string, nowMs: number): Promise<ChainQuote | null> {
    const p = parseInstrument(instrument);
    return Promise.resolve(p.expiryMs <= nowMs ? null : quoteOf(p.underlying, p.expiryMs, p.strike, p.type, this.index, 0.6, nowMs));
  }
  async trade(instrument: string, side: 'buy' | 'sell', qty: number, limitCoin: number, nowMs: number): Promise<OptionFill> {
    if (side === 'buy' && this.buyError) throw this.buyError;
    const q = (await this.quote(instrument, nowMs))!;
    const fillQty = side === 'sell' && this.sellFill !== null ? this.sellFill : qty;
    const f = { instrument, side, qty: fillQty, priceCoin: side === 'buy' ? q.ask : Math.max(q.bid, limitCoin), feeCoin: 0, indexUsd: this.index };
    this.held[instrument] = (this.held[instrument] ?? 0) + (side === 'buy' ? fillQty : -fillQty);
    if (side === 'buy') this.bought.push(f);
    return f;
  }
  positions(): Promise<Record<string, number>> {
    return Promise.resolve(Object.fromEntries(Object.entries(this.held).filter(([, q]) => q > 1e-9)));
  }
  settlementUsd(u: string, expiryMs: number): Promise<number | null> {
    if (this.settleFails.has(u)) return Promise.reject(new NetworkError('timed out'));
    return Promise.resolve(expiryMs <= NOW ? (u === 'BTC' ? 61_000 : 2_900) : null);
  }
}

const pos = (instrument: string, qty: number, paid = 100) => ({ instrument, qty, premiumPaidUsd: paid, openedCycle: 1, markUsd: 0 });

describe('ConvexController', () => {
  it('books a settlement once even when a later one fails in the same bar', async () => {
    const st = freshState(100_000);
    st.sleevePositions = [pos('BTC-2JAN26-60000-C', 2), pos('ETH-2JAN26-3000-C', 1)];
    const venue = new FakeOptions();
    venue.settleFails.add('ETH');
    const c = new ConvexController(venue, { ...settings, underlyings: ['BTC', 'ETH'] });
    const first = makeContext({ snapshot: { cycle: cycleAt(NOW) + 1, closeMs: NOW + 3_600_000, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} }, state: st });
    await c.run(first.c);
    expect(st.sleeve.cashUsd).toBe(2 * 1_000); // BTC: 2 x (61 000 - 60 000)
    expect(first.events.map((e) => e.type)).toEqual(['option_settled', 'sleeve_error']);
    venue.settleFails.clear();
    await c.run(makeContext({ snapshot: { cycle: cycleAt(NOW) + 2, closeMs: NOW + 7_200_000, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} }, state: st }).c);
    expect(st.sleeve.cashUsd).toBe(2_000); // ETH settled at 2 900 under its 3 000 strike: worthless
    expect(st.sleevePositions).toEqual([]);
  });

  it('keeps the unsold part of a partly filled sale, adopts what the venue holds, and halts on a credentials error', async () => {
    const st = freshState(100_000);
    const venue = new FakeOptions();
    const c = new ConvexController(venue, settings);
    const day = Date.UTC(2026, 0, 3, 1); // a decision bar (cycle divisible by run_every_bars)
    const ctx = () => makeContext({ snapshot: { cycle: cycleAt(day), closeMs: day, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} }, state: st });
    // the venue holds an option state does not know (a crash after the fill): adopted, and the slot is not bought again
    venue.held['BTC-27FEB26-90000-C'] = 0.3;
    const a = ctx();
    a.c.navUsd = 100_000;
    await c.run(a.c);
    expect(a.events.filter((e) => e.log === 'trades').map((e) => e.type)).toEqual(['option_adopted']);
    expect(st.sleevePositions).toMatchObject([{ instrument: 'BTC-27FEB26-90000-C', qty: 0.3 }]);
    expect(venue.bought).toEqual([]);
    expect(st.sleeve.periodSpentUsd).toBeCloseTo(st.sleevePositions[0]!.premiumPaidUsd, 9);
    // take profit with a partial fill: 0.1 of 0.3 sold, 0.2 kept with two thirds of the premium
    st.sleevePositions[0]!.premiumPaidUsd = 0.1;
    const paid = st.sleevePositions[0]!.premiumPaidUsd;
    venue.sellFill = 0.1;
    const b = ctx();
    b.c.navUsd = 100_000;
    await c.run(b.c);
    expect(b.events.find((e) => e.type === 'option_fill')!.fields).toMatchObject({ reason: 'take_profit', qty: 0.1 });
    expect(st.sleevePositions[0]).toMatchObject({ qty: 0.2 });
    expect(st.sleevePositions[0]!.premiumPaidUsd).toBeCloseTo((paid * 2) / 3, 12);
    // a credentials error halts trading
    st.sleevePositions = [];
    venue.held = {};
    venue.buyError = new AuthenticationError('invalid_credentials');
    const h = ctx();
    h.c.navUsd = 100_000;
    await c.run(h.c);
    expect(st.killSwitch).toMatchObject({ state: 'halted' });
    expect(h.events.map((e) => e.type)).toEqual(['sleeve_error', 'halt']);
  });
});
