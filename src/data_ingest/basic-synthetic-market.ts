import { createRng, type Rng } from '../utils/rng.js';
import { YEAR_MS } from '../utils/time.js';
import type { Bar, Liquidity, MarketDataSource, MarketSnapshot, Sentiment } from './market-data-source.js';

/**
 * A small seeded market so the engine loop has prices: BTC drives a one-factor model, ETH and the micro-caps load
 * on it with their own log-normal noise. No sectors, pumps or regimes: the full synthetic market replaces it. Bars
 * are generated in order from the first cycle; asking for an earlier cycle regenerates from the start, so any cycle's
 * snapshot depends only on (seed, parameters, cycle).
 */
export interface BasicSyntheticMarketOptions {
  seed: number;
  firstCycle: number;
  barMs: number;
  majors: string[];
  microCaps: number;
  btcVolAnnualPct: number;
  ethVolAnnualPct: number;
  microCapVolAnnualPct: [number, number];
}

interface AssetModel {
  symbol: string;
  rng: Rng;
  beta: number;
  idioVolBar: number;
  supply: number;
  baseVolumeUsdPerBar: number;
  spreadBps: number;
  mentionsBaseline: number;
  price: number;
}

const START_PRICES: Record<string, number> = { BTC: 60_000, ETH: 3_000 };

export class BasicSyntheticMarket implements MarketDataSource {
  readonly name = 'basic-synthetic';
  private assets: AssetModel[] = [];
  private factorRng!: Rng;
  private factorVolBar = 0;
  /** Index (from firstCycle) of the next bar to generate, and the last snapshot produced. */
  private nextIndex = 0;
  private last: MarketSnapshot | null = null;

  constructor(private readonly o: BasicSyntheticMarketOptions) {
    this.reset();
  }

  symbols(): string[] {
    return this.assets.map((a) => a.symbol);
  }

  private reset(): void {
    const o = this.o;
    const volPerBar = (annualPct: number) => (annualPct / 100) * Math.sqrt(o.barMs / YEAR_MS);
    const setup = createRng(o.seed, 0);
    this.factorRng = createRng(o.seed, 1);
    this.factorVolBar = volPerBar(o.btcVolAnnualPct);
    const barsPerDay = 86_400_000 / o.barMs;
    const models: AssetModel[] = [];
    const add = (symbol: string, stream: number, beta: number, idioVolBar: number, price: number, capUsd: number) => {
      const advUsd = capUsd * (0.02 + 0.08 * setup.next());
      models.push({
        symbol,
        rng: createRng(o.seed, stream),
        beta,
        idioVolBar,
        supply: capUsd / price,
        baseVolumeUsdPerBar: advUsd / barsPerDay,
        spreadBps: symbol in START_PRICES ? 1 + setup.next() : 20 + 80 * setup.next(),
        mentionsBaseline: 5 + 45 * setup.next(),
        price,
      });
    };
    o.majors.forEach((m, i) => {
      const isBtc = i === 0;
      const vol = volPerBar(m === 'ETH' ? o.ethVolAnnualPct : o.btcVolAnnualPct);
      const beta = isBtc ? 1 : 0.8 * (vol / this.factorVolBar);
      const idio = isBtc ? 0 : Math.sqrt(Math.max(vol ** 2 - (beta * this.factorVolBar) ** 2, 0));
      add(m, 10 + i, beta, idio, START_PRICES[m] ?? 100, m === 'BTC' ? 1.2e12 : 3.6e11);
    });
    const [lo, hi] = o.microCapVolAnnualPct;
    for (let i = 0; i < o.microCaps; i++) {
      const vol = volPerBar(lo + (hi - lo) * setup.next());
      const beta = 0.5 + setup.next();
      const idio = Math.sqrt(Math.max(vol ** 2 - (beta * this.factorVolBar) ** 2, vol ** 2 * 0.25));
      const price = Math.exp(Math.log(0.001) + setup.next() * Math.log(10_000)); // 0.001 .. 10 USD
      const capUsd = Math.exp(Math.log(3e6) + setup.next() * Math.log(100)); // 3 M .. 300 M
      add(`MC${String(i + 1).padStart(3, '0')}`, 100 + i, beta, idio, price, capUsd);
    }
    this.assets = models;
    this.nextIndex = 0;
    this.last = null;
  }

  snapshot(cycle: number): Promise<MarketSnapshot> {
    const index = cycle - this.o.firstCycle;
    if (index < 0) {
      return Promise.reject(new RangeError(`cycle ${cycle} is before the market's first cycle ${this.o.firstCycle}`));
    }
    if (this.last === null || this.last.cycle !== cycle) {
      if (index < this.nextIndex) this.reset();
      while (this.nextIndex <= index) this.last = this.step(this.o.firstCycle + this.nextIndex++);
    }
    return Promise.resolve(this.last!);
  }

  private step(cycle: number): MarketSnapshot {
    const barMs = this.o.barMs;
    const openMs = cycle * barMs;
    const factor = this.factorRng.normal() * this.factorVolBar;
    const bars: Record<string, Bar> = {};
    const liquidity: Record<string, Liquidity> = {};
    const sentiment: Record<string, Sentiment> = {};
    for (const a of this.assets) {
      // Fixed draw count per asset and bar keeps every stream aligned across runs.
      const zIdio = a.rng.normal();
      const zRange = Math.abs(a.rng.normal());
      const zVolume = a.rng.normal();
      const zMentions = a.rng.normal();
      const zScore = a.rng.normal();
      const totalVol = Math.hypot(a.beta * this.factorVolBar, a.idioVolBar);
      const logRet = a.beta * factor + a.idioVolBar * zIdio - 0.5 * totalVol ** 2;
      const open = a.price;
      const close = open * Math.exp(logRet);
      const wiggle = Math.exp(0.3 * totalVol * zRange);
      const volumeUsd = a.baseVolumeUsdPerBar * Math.exp(0.5 * zVolume - 0.125) * (1 + (2 * Math.abs(logRet)) / totalVol) / 2;
      bars[a.symbol] = {
        openMs,
        open,
        high: Math.max(open, close) * wiggle,
        low: Math.min(open, close) / wiggle,
        close,
        volumeBase: volumeUsd / close,
        volumeUsd,
      };
      liquidity[a.symbol] = {
        marketCapUsd: a.supply * close,
        advUsd: a.baseVolumeUsdPerBar * (86_400_000 / barMs),
        spreadBps: a.spreadBps,
      };
      sentiment[a.symbol] = {
        mentions: Math.round(a.mentionsBaseline * Math.exp(0.4 * zMentions - 0.08)),
        score: Math.tanh(0.5 * zScore),
      };
      a.price = close;
    }
    return { cycle, closeMs: openMs + barMs, bars, liquidity, sentiment };
  }
}
