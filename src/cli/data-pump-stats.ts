import { resolve } from 'node:path';
import type { Command } from 'commander';
import { syntheticOptions } from '../agent/build-engine.js';
import { pumpStatisticsOf } from '../agent/pump-stats-source.js';
import type { PumpStatistics } from '../alpha/pump-statistics.js';
import { RecordedMarket } from '../data_ingest/recorded/recorded-market.js';
import { SyntheticMarket } from '../data_ingest/synthetic/synthetic-market.js';
import { MAX_SEED } from '../utils/config-schema.js';
import { ModelError } from '../utils/errors.js';
import { writeOutputFile } from '../utils/output-file.js';
import { barMsOf, cycleOfOpenMs, DAY_MS } from '../utils/time.js';
import type { DataCommandContext } from './data-import.js';
import { configOption, intArg, MAX_DAYS, noSleeveConfigOption, sleeveConfigOption, type ConfigFlags } from './options.js';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;

/** The statistics as rows of (what, value), in the order the README's comparison table uses. */
export function pumpStatisticsRows(s: PumpStatistics): [string, string][] {
  return [
    ['events (measured)', `${s.events} (${s.measured})`],
    ['price drift, 6 h before the start', pct(s.preDrift6h)],
    ['volume z, last hour before', s.volumeZLastHour.toFixed(2)],
    ['volume z, start hour', s.volumeZAnnouncementHour.toFixed(2)],
    ['volume multiple, start hour', `${s.volumeMultiple.toFixed(1)} x`],
    ['peak in the start hour', pct(s.peakFirstHour)],
    ['share peaking in the start hour', pct(s.sharePeakInFirstHour)],
    ['price 24 h later (vs before)', pct(s.retained24h)],
    ['hours from peak to half the gain gone', s.halfLifeHours.toFixed(1)],
    ['share starting 15..20 UTC', pct(s.shareHours15To20Utc)],
    ['share on coins pumped more than once', pct(s.shareOnRepeatCoins)],
  ];
}

/** `coce data pump-stats`: what the pumps of a labelled folder, or of the synthetic market, look like in hourly bars. */
export function registerDataPumpStats(data: Command, ctx: DataCommandContext): void {
  data
    .command('pump-stats')
    .description('pump statistics (drift and volume before the start, peak, dump, time of day, repeat coins) of a labelled folder or of the synthetic market')
    .argument('[dir]', 'a recorded folder with labelled pumps (default: the synthetic market of --seed over --days)')
    .option('--seed <n>', 'synthetic market seed (default: sim.seed)', intArg(0, '--seed', MAX_SEED))
    .option('--days <n>', 'synthetic market days after the warm-up (default: sim.days)', intArg(1, '--days', MAX_DAYS))
    .option('--json <file>', 'also write the statistics as JSON')
    .addOption(configOption())
    .addOption(sleeveConfigOption())
    .addOption(noSleeveConfigOption())
    .action(async (dir: string | undefined, f: { seed?: number; days?: number; json?: string } & ConfigFlags) => {
      let stats: PumpStatistics;
      let on: string;
      if (dir !== undefined) {
        const m = new RecordedMarket(resolve(ctx.cwd, dir));
        if (m.pumps === null || m.pumps.length === 0) throw new ModelError(`${dir} has no labelled pumps (events.csv): import it with --pumps`);
        stats = await pumpStatisticsOf(m, m.meta.historyStartCycle, m.meta.lastCycle, m.meta.barMs, m.pumps);
        on = dir;
      } else {
        const cfg = ctx.config(f);
        const barMs = barMsOf(cfg.schedule.barInterval);
        const seed = f.seed ?? cfg.sim.seed;
        const days = f.days ?? cfg.sim.days;
        const first = cycleOfOpenMs(Date.parse(cfg.sim.start), barMs);
        const last = first + days * (DAY_MS / barMs) - 1;
        // the events are scheduled as the market is generated: walk it once for them, then measure a fresh copy
        const scout = new SyntheticMarket(syntheticOptions(cfg, seed, first, barMs));
        await scout.snapshot(last);
        const market = new SyntheticMarket(syntheticOptions(cfg, seed, first, barMs));
        stats = await pumpStatisticsOf(market, market.historyStartCycle(), last, barMs, scout.pumpEvents());
        on = `the synthetic market, seed ${seed}, ${days} days`;
      }
      const rows = pumpStatisticsRows(stats);
      const w = Math.max(...rows.map((r) => r[0].length));
      ctx.say([`${on}: pump statistics in hourly bars`, ...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`)].join('\n'));
      if (f.json) writeOutputFile(resolve(ctx.cwd, f.json), JSON.stringify(stats, null, 2) + '\n', 'pump statistics', (t) => t.startsWith('{\n  "events":'));
    });
}
