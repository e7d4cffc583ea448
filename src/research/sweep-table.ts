import type { SweepResult } from './sweep-job.js';

/** Best Sharpe first; ties (and failed jobs, last) by job id, so two runs of a grid rank alike wherever they ran. */
export function rankSweep(results: readonly SweepResult[]): SweepResult[] {
  const sharpe = (r: SweepResult) => (r.summary === null ? -Infinity : (r.summary.sharpe ?? -Infinity));
  return [...results].sort((a, b) => sharpe(b) - sharpe(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

/** The ranked table a trader reads: one line per job. */
export function formatSweep(results: readonly SweepResult[]): string {
  const rows = rankSweep(results).map((r) => {
    const s = r.summary;
    const figures =
      r.error !== null || s === null
        ? `failed: ${r.error ?? 'no summary'}`
        : `Sharpe ${f(s.sharpe).padStart(6)}  return ${f(s.returnPct).padStart(7)} %  max DD ${f(s.maxDrawdownPct).padStart(6)} %  trips ${String(s.roundTrips).padStart(4)}  hit ${s.hitRate === null ? '  n/a' : f(100 * s.hitRate, 1).padStart(5)} %`;
    return `${r.id.padEnd(12)} ${figures}  ${JSON.stringify(r.values)}`;
  });
  return rows.join('\n');
}
