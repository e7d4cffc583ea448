import { existsSync, readdirSync, statSync } from 'node:fs';
import { DataFileError } from '../../utils/errors.js';
import { DAY_MS } from '../../utils/time.js';
import { SyntheticMarket, type SyntheticMarketOptions } from '../synthetic/synthetic-market.js';
import { FORMAT, MarketFilesWriter, timeframeOf } from './market-files.js';

export interface GenerateSummary {
  dir: string;
  cycles: number;
  assets: number;
  assetBars: number;
  events: number;
  hypeBursts: number;
}

/**
 * `coce data generate`: the synthetic market's warm-up history and `days` of bars, written as a recorded market
 * folder, with the ground truth of every pump and hype burst. Refuses a folder that already holds files.
 */
export function generateMarketFiles(o: SyntheticMarketOptions, days: number, dir: string): GenerateSummary {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new DataFileError(`${dir} is a file, not a folder; choose a new --out folder (nothing was overwritten)`);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new DataFileError(`${dir} is not empty; choose a new --out folder (nothing was overwritten)`);
  }
  const market = new SyntheticMarket(o);
  const lastCycle = o.firstCycle + days * (DAY_MS / o.barMs) - 1;
  const writer = new MarketFilesWriter(dir, market.inputs);
  let assetBars = 0;
  for (let c = market.historyStartCycle(); c <= lastCycle; c++) {
    const s = market.snapshotSync(c);
    for (const [symbol, bar] of Object.entries(s.bars)) {
      const realizedVol = s.realizedVol[symbol];
      const sentiment = s.sentiment[symbol];
      writer.write({ cycle: c, symbol, bar, liquidity: s.liquidity[symbol]!, ...(realizedVol === undefined ? {} : { realizedVol }), ...(sentiment === undefined ? {} : { sentiment }) });
    }
    assetBars += Object.keys(s.bars).length;
  }
  const endMs = (lastCycle + 1) * o.barMs;
  const events = market.pumpEvents().filter((e) => e.pumpStartMs < endMs);
  const bursts = market.hypeBursts().filter((b) => b.startMs < endMs);
  writer.finish(
    {
      format: FORMAT,
      source: market.name,
      seed: o.seed,
      quote: market.quote,
      barMs: o.barMs,
      timeframe: timeframeOf(o.barMs),
      historyStartCycle: market.historyStartCycle(),
      firstCycle: o.firstCycle,
      lastCycle,
      symbols: market.symbols(),
      inputs: [...market.inputs].sort(),
      liquidity: 'synthetic (generated with the bars: market cap, 30-day ADV, spread estimate, 30-day realised volatility)',
    },
    events,
    bursts,
  );
  return { dir, cycles: lastCycle - market.historyStartCycle() + 1, assets: market.symbols().length, assetBars, events: events.length, hypeBursts: bursts.length };
}
