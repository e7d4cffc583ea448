import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMarketMeta } from '../data_ingest/recorded/recorded-market.js';
import { UsageError } from '../utils/errors.js';

/**
 * A copy of a recorded folder (coce data generate / import) that physically lacks some bars: those after `lastCycle`
 * (the look-ahead check: the engine cannot peek at what is not there) or those before `firstHistoryCycle` (the
 * warm-up check). Rows of the per-bar files are kept by their cycle; events and hype bursts by their start.
 */
export function cutRecordedFolder(src: string, dst: string, cut: { lastCycle?: number; firstHistoryCycle?: number }): void {
  const meta = readMarketMeta(src);
  const first = cut.firstHistoryCycle ?? meta.historyStartCycle;
  const last = cut.lastCycle ?? meta.lastCycle;
  if (last < meta.firstCycle || first > meta.firstCycle) throw new UsageError(`cannot cut ${src} to cycles ${first}..${last}: the run starts at ${meta.firstCycle}`);
  mkdirSync(dst, { recursive: true });
  const barMs = meta.barMs;
  const keepCycle = (c: number) => c >= first && c <= last;
  // a pump (or burst) is known from its start: one that starts after the cut is not in the cut folder
  const keepStart = (iso: string) => Date.parse(iso) < (last + 1) * barMs;
  for (const f of readdirSync(src)) {
    const from = join(src, f);
    if (f === 'meta.json') continue;
    if (!f.endsWith('.csv')) {
      copyFileSync(from, join(dst, f));
      continue;
    }
    const [head, ...rows] = readFileSync(from, 'utf8').split('\n').filter((l) => l.length > 0);
    const cols = head!.split(',');
    const byCycle = cols.indexOf('cycle');
    const byStart = f === 'events.csv' ? cols.indexOf('pump_start') : f === 'hype.csv' ? cols.indexOf('start') : -1;
    const kept = rows.filter((r) => {
      const v = r.split(',');
      if (byCycle >= 0) return keepCycle(Number(v[byCycle]));
      if (byStart >= 0) return keepStart(v[byStart]!);
      return true;
    });
    writeFileSync(join(dst, f), [head, ...kept].join('\n') + '\n');
  }
  const raw = JSON.parse(readFileSync(join(src, 'meta.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dst, 'meta.json'), JSON.stringify({ ...raw, historyStartCycle: first, lastCycle: last }, null, 2) + '\n');
  if (!existsSync(join(dst, 'bars.csv'))) throw new UsageError(`${src} has no bars.csv`);
}
