import { createRng, type Rng } from '../../utils/rng.js';
import { DAY_MS, HOUR_MS, YEAR_MS } from '../../utils/time.js';
import type { Bar, Liquidity, MarketDataSource, MarketInput, MarketSnapshot, Sentiment } from '../market-data-source.js';
import { DailyBuckets } from './daily-buckets.js';
import { negativeBinomial, studentT } from './draws.js';
import { PROPENSITY_LOG_SIGMA } from './pump-calibration.js';
import { barVolumeMultiple, logPriceOffset, mentionsMultiple, peakAboveClose } from './pump-effects.js';
import { PumpSchedule, type HypeBurst, type PumpEvent } from './pump-schedule.js';

/**
 * The embedded synthetic micro-cap market: seeded, deterministic, generated bar by bar.
 *
 * Log returns follow a factor model: a BTC-like market factor, one factor per sector (the true clusters), and
 * fat-tailed (Student-t) idiosyncratic noise, each with GARCH(1,1) volatility clustering. Rare stress regimes raise
 * market-factor volatility so correlations jump. Pump-and-dump events (pump-schedule.ts, timing calibrated to real
 * Telegram pumps) add accumulation, pump and dump paths to price and volume; hype bursts lift mentions before most
 * pumps, and some bursts lead nowhere. Volume has an intraday profile and rises with |return|; mentions are
 * overdispersed counts. Liquidity (market cap, 30-day ADV, spread) and 30-day realised volatility are derived.
 *
 * The market starts `warmupDays` before `firstCycle` so GARCH states, ADV and volatility are warm at the first cycle,
 * and those bars serve as history. A snapshot depends only on (options, cycle).
 */
export interface SyntheticMarketOptions {
  seed: number;
  firstCycle: number;
  barMs: number;
  majors: string[];
  microCaps: number;
  sectors: number;
  btcVolAnnualPct: number;
  ethVolAnnualPct: number;
  ethBtcCorrelation: number;
  sectorVolAnnualPct: number;
  microCapVolAnnualPct: [number, number];
  tailDf: number;
  garchAlpha: number;
  garchBeta: number;
  stressRegimeProbPerDay: number;
  stressDays: [number, number];
  stressVolMultiple: number;
  pumpsPerMonth: number;
  falseHypePerMonth: number;
  hypeLeadShare: number;
  warmupDays: number;
}

/** The hidden truth of an asset, for tests and for `coce data generate`. */
export interface SyntheticAssetTruth {
  symbol: string;
  /** Sector index (the true cluster), -1 for the majors. */
  sector: number;
  marketBeta: number;
  sectorBeta: number;
  targetVolAnnualPct: number;
}

const STREAM_SETUP = 1;
const STREAM_FACTORS = 2;
const STREAM_EVENTS = 3;
const STREAM_ASSET0 = 100;
const SCHEDULE_AHEAD_DAYS = 3;
const MENTIONS_OVERDISPERSION = 3;

const intradayProfile = (hourUtc: number) => 1 + 0.35 * Math.cos((2 * Math.PI * (hourUtc - 15)) / 24);

interface Asset {
  symbol: string;
  isMajor: boolean;
  rng: Rng;
  sector: number;
  betaM: number;
  betaS: number;
  idioVarBar: number;
  garchH: number;
  lastIdio: number;
  logPrice: number;
  /** Log-price contribution of events so far, and the part of it from events already over (pruned). */
  eventOffset: number;
  eventBase: number;
  supply: number;
  dollarVolPerBar: number;
  spreadFloorBps: number;
  mentionsPerBar: number;
  targetVolAnnualPct: number;
  volume: DailyBuckets;
  squaredReturns: DailyBuckets;
  events: PumpEvent[];
  bursts: HypeBurst[];
}

export class SyntheticMarket implements MarketDataSource {
  readonly name = 'synthetic-v1';
  /** Caps and sentiment for every asset; no trade statistics (bars are generated, not built from trades). */
  readonly inputs: ReadonlySet<MarketInput> = new Set<MarketInput>(['sentiment', 'marketCap']);
  readonly quote = 'USDT';
  private readonly o: SyntheticMarketOptions;
  private readonly barsPerDay: number;
  private readonly barsPerYear: number;
  private readonly startCycle: number;
  private assets: Asset[] = [];
  private factorRng!: Rng;
  private schedule!: PumpSchedule;
  private scheduledDays = 0;
  private marketVarBar = 0;
  private marketH = 0;
  private sectorVarBar = 0;
  private sectorH: number[] = [];
  private lastMarketShock = 0;
  private lastSectorShocks: number[] = [];
  private stressUntilMs = -Infinity;
  private readonly stress: { startMs: number; endMs: number }[] = [];
  private nextCycle = 0;
  private last: MarketSnapshot | null = null;
  private replayed: { beforeCycle: number; snapshots: MarketSnapshot[] } | null = null;

  constructor(o: SyntheticMarketOptions) {
    if (o.garchAlpha + o.garchBeta >= 1) throw new RangeError('garch alpha + beta must be below 1');
    this.o = o;
    this.barsPerDay = DAY_MS / o.barMs;
    this.barsPerYear = YEAR_MS / o.barMs;
    this.startCycle = o.firstCycle - o.warmupDays * this.barsPerDay;
    this.reset();
  }

  symbols(): string[] {
    return this.assets.map((a) => a.symbol);
  }

  /** Every pump scheduled so far (pump start at or before the last generated bar, and a few days ahead). */
  pumpEvents(): readonly PumpEvent[] {
    return this.schedule.pumps;
  }

  /** Stress regimes generated so far (correlations jump inside them): ground truth for tests. */
  stressPeriods(): readonly { startMs: number; endMs: number }[] {
    return this.stress;
  }

  hypeBursts(): readonly HypeBurst[] {
    return this.schedule.bursts;
  }

  truth(): SyntheticAssetTruth[] {
    const perYear = Math.sqrt(YEAR_MS / this.o.barMs);
    return this.assets.map((a) => ({
      symbol: a.symbol,
      sector: a.sector,
      marketBeta: a.betaM,
      sectorBeta: a.betaS,
      // the model's unconditional volatility (above the drawn target when the idiosyncratic floor binds), before pumps
      targetVolAnnualPct: 100 * perYear * Math.sqrt(a.betaM ** 2 * this.marketVarBar + a.betaS ** 2 * this.sectorVarBar + a.idioVarBar),
    }));
  }

  /** Schedule pumps and hype bursts as stepping up to `cycle` would (they depend on the day only, not on the bars). */
  scheduleThrough(cycle: number): void {
    this.ensureScheduled(cycle * this.o.barMs);
  }

  /** First cycle with a bar (the start of the warm-up history). */
  historyStartCycle(): number {
    return this.startCycle;
  }

  private volPerBar(annualPct: number): number {
    return (annualPct / 100) * Math.sqrt(this.o.barMs / YEAR_MS);
  }

  private reset(): void {
    const o = this.o;
    const setup = createRng(o.seed, STREAM_SETUP);
    this.factorRng = createRng(o.seed, STREAM_FACTORS);
    this.marketVarBar = this.volPerBar(o.btcVolAnnualPct) ** 2;
    this.marketH = this.marketVarBar;
    this.sectorVarBar = this.volPerBar(o.sectorVolAnnualPct) ** 2;
    this.sectorH = Array.from({ length: o.sectors }, () => this.sectorVarBar);
    this.lastMarketShock = 0;
    this.lastSectorShocks = Array.from({ length: o.sectors }, () => 0);
    this.stressUntilMs = -Infinity;
    this.stress.length = 0;
    const assets: Asset[] = [];
    const make = (symbol: string, isMajor: boolean, f: Partial<Asset> & Pick<Asset, 'betaM' | 'betaS' | 'idioVarBar' | 'sector' | 'targetVolAnnualPct'>, price: number, capUsd: number, turnoverPerDay: number, mentionsPerHour: number, spreadFloorBps: number) => {
      assets.push({
        symbol,
        isMajor,
        rng: createRng(o.seed, STREAM_ASSET0 + assets.length),
        garchH: f.idioVarBar,
        lastIdio: 0,
        logPrice: Math.log(price),
        eventOffset: 0,
        eventBase: 0,
        supply: capUsd / price,
        dollarVolPerBar: (capUsd * turnoverPerDay) / this.barsPerDay,
        spreadFloorBps,
        mentionsPerBar: (mentionsPerHour * o.barMs) / HOUR_MS,
        volume: new DailyBuckets(30),
        squaredReturns: new DailyBuckets(30),
        events: [],
        bursts: [],
        ...f,
      });
    };
    const sigmaM = Math.sqrt(this.marketVarBar);
    o.majors.forEach((m, i) => {
      if (i === 0) {
        make(m, true, { betaM: 1, betaS: 0, idioVarBar: 0, sector: -1, targetVolAnnualPct: o.btcVolAnnualPct }, 60_000, 1.2e12, 0.03, 3000, 1);
        return;
      }
      const volAnnual = m === 'ETH' ? o.ethVolAnnualPct : o.btcVolAnnualPct;
      const sigma = this.volPerBar(volAnnual);
      const rho = o.ethBtcCorrelation;
      make(m, true, { betaM: (rho * sigma) / sigmaM, betaS: 0, idioVarBar: sigma ** 2 * (1 - rho ** 2), sector: -1, targetVolAnnualPct: volAnnual }, m === 'ETH' ? 3_000 : 100, m === 'ETH' ? 3.6e11 : 5e10, 0.05, 1500, 2);
    });
    const [lo, hi] = o.microCapVolAnnualPct;
    for (let i = 0; i < o.microCaps; i++) {
      const volAnnual = lo + (hi - lo) * setup.next();
      const sigma2 = this.volPerBar(volAnnual) ** 2;
      const betaM = 0.6 + 0.8 * setup.next();
      const betaS = 0.7 + 0.6 * setup.next();
      const systematic = betaM ** 2 * this.marketVarBar + betaS ** 2 * this.sectorVarBar;
      const idioVarBar = Math.max(sigma2 - systematic, 0.25 * sigma2);
      const price = Math.exp(Math.log(0.0005) + setup.next() * Math.log(40_000)); // 0.0005 .. 20 USD
      const capUsd = Math.exp(Math.log(1e6) + setup.next() * Math.log(500)); // 1 M .. 500 M
      const turnover = Math.min(0.5, Math.max(0.003, 0.05 * Math.exp(0.8 * setup.normal())));
      const mentions = 20 * Math.exp(0.8 * setup.normal());
      make(`MC${String(i + 1).padStart(3, '0')}`, false, { betaM, betaS, idioVarBar, sector: i % o.sectors, targetVolAnnualPct: volAnnual }, price, capUsd, turnover, mentions, 8);
    }
    this.assets = assets;
    const micro = assets.filter((a) => !a.isMajor);
    this.schedule = new PumpSchedule(createRng(o.seed, STREAM_EVENTS), {
      barMs: o.barMs,
      symbols: micro.map((a) => a.symbol),
      propensity: micro.map(() => Math.exp(PROPENSITY_LOG_SIGMA * setup.normal())),
      pumpsPerMonth: o.pumpsPerMonth,
      falseHypePerMonth: o.falseHypePerMonth,
      hypeLeadShare: o.hypeLeadShare,
    });
    this.scheduledDays = 0;
    this.nextCycle = this.startCycle;
    this.last = null;
  }

  snapshot(cycle: number): Promise<MarketSnapshot> {
    try {
      return Promise.resolve(this.snapshotSync(cycle));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** The snapshot at the close of `cycle` (synchronous core of `snapshot`, also used by `data generate`). */
  snapshotSync(cycle: number): MarketSnapshot {
    if (cycle < this.startCycle) {
      throw new RangeError(`cycle ${cycle} is before the synthetic market's history starts (cycle ${this.startCycle})`);
    }
    if (this.last !== null && this.last.cycle === cycle) return this.last;
    if (cycle < this.nextCycle) this.reset();
    while (this.nextCycle <= cycle) this.last = this.step(this.nextCycle++);
    return this.last!;
  }

  /**
   * The bars before `beforeCycle`, made by a replay from the market's first bar. A start-up asks three times (the
   * gate's memory, the filters' warm-up, the replay's gate): one replay serves them all until historyDone(). A market
   * that has not stepped yet replays on itself, so its first snapshot after the history continues from there instead
   * of stepping through the warm-up again (the same bars: the market is deterministic).
   */
  history(beforeCycle: number, bars: number): Promise<MarketSnapshot[]> {
    try {
      return Promise.resolve(this.historySync(beforeCycle, bars));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** history(), on this thread. */
  historySync(beforeCycle: number, bars: number): MarketSnapshot[] {
    if (this.replayed?.beforeCycle !== beforeCycle) {
      const replay = this.nextCycle === this.startCycle ? this : new SyntheticMarket(this.o);
      const snapshots: MarketSnapshot[] = [];
      for (let c = this.startCycle; c < beforeCycle; c++) snapshots.push(replay.snapshotSync(c));
      this.replayed = { beforeCycle, snapshots };
    }
    const all = this.replayed.snapshots;
    return all.slice(Math.max(0, all.length - bars));
  }

  historyDone(): void {
    this.replayed = null;
  }

  private ensureScheduled(openMs: number): void {
    const startDayMs = Math.floor((this.startCycle * this.o.barMs) / DAY_MS) * DAY_MS;
    const needDays = Math.floor((openMs - startDayMs) / DAY_MS) + SCHEDULE_AHEAD_DAYS;
    while (this.scheduledDays <= needDays) {
      const before = this.schedule.pumps.length;
      const burstsBefore = this.schedule.bursts.length;
      this.schedule.scheduleDay(startDayMs + this.scheduledDays * DAY_MS);
      for (const e of this.schedule.pumps.slice(before)) this.assetBySymbol(e.symbol).events.push(e);
      for (const b of this.schedule.bursts.slice(burstsBefore)) this.assetBySymbol(b.symbol).bursts.push(b);
      this.scheduledDays++;
    }
  }

  private assetBySymbol(symbol: string): Asset {
    return this.assets.find((a) => a.symbol === symbol)!;
  }

  private garch(h: number, lastShock: number, unconditional: number): number {
    const { garchAlpha: a, garchBeta: b } = this.o;
    return unconditional * (1 - a - b) + a * lastShock * lastShock + b * h;
  }

  private step(cycle: number): MarketSnapshot {
    const o = this.o;
    const barMs = o.barMs;
    const openMs = cycle * barMs;
    const closeMs = openMs + barMs;
    const dayIndex = Math.floor(openMs / DAY_MS);
    const hourUtc = new Date(openMs).getUTCHours();
    this.ensureScheduled(openMs);

    // Regime: a stress episode can start at each day's first bar.
    if (openMs % DAY_MS === 0 && openMs >= this.stressUntilMs && this.factorRng.next() < o.stressRegimeProbPerDay) {
      const [d0, d1] = o.stressDays;
      this.stressUntilMs = openMs + (d0 + this.factorRng.int(d1 - d0 + 1)) * DAY_MS;
      this.stress.push({ startMs: openMs, endMs: this.stressUntilMs });
    }
    const stressed = openMs < this.stressUntilMs;
    const stressMult = stressed ? o.stressVolMultiple : 1;

    this.marketH = this.garch(this.marketH, this.lastMarketShock, this.marketVarBar);
    const marketShock = Math.sqrt(this.marketH) * studentT(this.factorRng, o.tailDf) * stressMult;
    this.lastMarketShock = marketShock / stressMult;
    const sectorShocks = this.sectorH.map((h, s) => {
      this.sectorH[s] = this.garch(h, this.lastSectorShocks[s]!, this.sectorVarBar);
      const shock = Math.sqrt(this.sectorH[s]) * studentT(this.factorRng, o.tailDf);
      this.lastSectorShocks[s] = shock;
      return shock;
    });

    const bars: Record<string, Bar> = {};
    const liquidity: Record<string, Liquidity> = {};
    const sentiment: Record<string, Sentiment> = {};
    const realizedVol: Record<string, number> = {};
    const season = intradayProfile(hourUtc);
    for (const a of this.assets) {
      const rng = a.rng;
      a.garchH = this.garch(a.garchH, a.lastIdio, a.idioVarBar);
      a.lastIdio = Math.sqrt(a.garchH) * studentT(rng, o.tailDf);
      const idio = a.lastIdio * (stressed ? 0.8 : 1);
      const sector = a.sector >= 0 ? sectorShocks[a.sector]! : 0;
      const systematic = a.betaM * marketShock + a.betaS * sector;
      let volMult = 1;
      if (a.events.length > 0 && a.events[0]!.endMs < openMs) {
        // An event that is over leaves its residual in the price for good.
        for (const e of a.events) if (e.endMs < openMs) a.eventBase += logPriceOffset(e, e.endMs);
        a.events = a.events.filter((e) => e.endMs >= openMs);
      }
      let offset = a.eventBase;
      let peakBoost = 0;
      if (a.events.length > 0) {
        for (const e of a.events) {
          offset += logPriceOffset(e, closeMs);
          volMult *= barVolumeMultiple(e, openMs, barMs);
          peakBoost = Math.max(peakBoost, peakAboveClose(e, openMs, closeMs));
        }
      }
      const eventReturn = offset - a.eventOffset;
      a.eventOffset = offset;
      // Drift correction keeps the diffusion part a martingale in price.
      // Conditional variance of this bar's diffusion (current GARCH states, stress scaling included).
      const sectorH = a.sector >= 0 ? this.sectorH[a.sector]! : 0;
      const totalVar = a.betaM ** 2 * this.marketH * stressMult ** 2 + a.betaS ** 2 * sectorH + a.garchH * (stressed ? 0.64 : 1);
      const logRet = systematic + idio - 0.5 * totalVar + eventReturn;
      const open = Math.exp(a.logPrice);
      a.logPrice += logRet;
      const close = Math.exp(a.logPrice);
      const sigmaBar = Math.sqrt(totalVar) || 1e-9;
      const zRange = Math.abs(rng.normal());
      const zVolume = rng.normal();
      const zScore = rng.normal();
      const wiggle = Math.exp(0.3 * sigmaBar * zRange + 0.3 * Math.abs(eventReturn));
      const volumeUsd =
        a.dollarVolPerBar * season * Math.exp(0.4 * zVolume - 0.08) * (0.6 + (0.5 * Math.abs(logRet - eventReturn)) / sigmaBar) * volMult;
      bars[a.symbol] = {
        openMs,
        open,
        high: Math.max(open, close * Math.exp(peakBoost)) * wiggle,
        low: Math.min(open, close) / wiggle,
        close,
        volumeBase: volumeUsd / close,
        volumeUsd,
      };
      a.volume.add(dayIndex, volumeUsd);
      a.squaredReturns.add(dayIndex, logRet * logRet);
      const advUsd = (a.volume.sum() / a.volume.count()) * this.barsPerDay;
      const spreadBps = a.isMajor
        ? a.spreadFloorBps
        : (a.spreadFloorBps + 25 / Math.sqrt(Math.max(advUsd, 1e3) / 1e6)) * Math.exp(0.2 * zRange - 0.16) * (volMult > 3 ? 2 : 1);
      liquidity[a.symbol] = { marketCapUsd: a.supply * close, advUsd, spreadBps };
      realizedVol[a.symbol] = Math.sqrt((a.squaredReturns.sum() / a.squaredReturns.count()) * this.barsPerYear);

      let hype = 1;
      if (a.bursts.length > 0) {
        a.bursts = a.bursts.filter((b) => b.endMs > openMs || b.startMs > openMs);
        for (const b of a.bursts) hype *= mentionsMultiple(b, openMs + barMs / 2);
      }
      const mentions = negativeBinomial(rng, a.mentionsPerBar * season * hype * Math.sqrt(volMult), MENTIONS_OVERDISPERSION);
      const score = Math.tanh(0.1 + 0.35 * zScore + (0.5 * (logRet - eventReturn)) / sigmaBar + 0.4 * Math.log(hype) + 0.3 * Math.sign(eventReturn));
      sentiment[a.symbol] = { mentions, score };
    }
    return { cycle, closeMs, bars, liquidity, sentiment, realizedVol };
  }
}

