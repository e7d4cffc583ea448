import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlQueue } from '../../src/ops/console/operator-controls.js';
import { OperatorFeed } from '../../src/ops/console/operator-feed.js';
import { SeriesTrack } from '../../src/ops/series-track.js';
import { freshState } from '../agent/context.js';
import { tmp } from '../helpers.js';

const line = (o: object) => JSON.stringify(o) + '\n';
const eq = (h: number, navUsd: number, btc: number | null) => ({ ts: `2026-01-01T${String(h).padStart(2, '0')}:00:00.000Z`, type: 'equity', cycle: h, navUsd, benchmarkNavUsd: btc, universeBenchmarkNavUsd: null });

describe('the operator feed (console and Telegram figures)', () => {
  it('rebuilds the run from its logs only as far as state.json recorded them, then adds each cycle', () => {
    const dir = tmp();
    const saved = line(eq(1, 100_500, 101_000)) + line(eq(2, 99_000, 103_000)) + line({ ts: '2026-01-01T02:00:00.000Z', type: 'pump_alarm', cycle: 2, symbol: 'MC001', probability: 0.91, candidate: true });
    // a third cycle crashed after writing its lines: they are not the run's yet
    writeFileSync(join(dir, 'equity.jsonl'), line(eq(1, 100_500, 101_000)) + line(eq(2, 99_000, 103_000)) + line(eq(3, 1, 1)));
    writeFileSync(join(dir, 'meta_events.jsonl'), saved.split('\n').slice(2).join('\n') + line({ ts: '2026-01-01T03:00:00.000Z', type: 'pump_alarm', cycle: 3, symbol: 'MC009', probability: 0.99, candidate: true }));
    const st = freshState(100_000);
    const feed = new OperatorFeed('sim', dir);
    expect(feed.load(st)).toBeNull(); // no completed cycle: nothing to show yet
    expect(feed.snapshot).toBeNull();
    st.lastCompletedCycle = 2;
    st.lastCompletedTs = '2026-01-01T02:00:00.000Z';
    st.equityCurve.push({ cycle: 2, ts: st.lastCompletedTs, navUsd: 99_000 });
    st.logOffsets = { 'equity.jsonl': Buffer.byteLength(line(eq(1, 100_500, 101_000)) + line(eq(2, 99_000, 103_000))), 'meta_events.jsonl': Buffer.byteLength(saved.split('\n').slice(2).join('\n')) };
    const s = feed.load(st)!;
    expect(s.equity.navUsd).toEqual([100_500, 99_000]);
    expect(s.equity.btcDrawdownPct).toEqual([0, 0]);
    expect(s.equity.microCapsDrawdownPct).toEqual([null, null]);
    expect(s.alarms.map((a) => a.symbol)).toEqual(['MC001']);
    expect(s.performance.nav).toEqual({ startUsd: 100_000, lastUsd: 99_000, peakUsd: 100_500, returnPct: 100 * (99_000 / 100_000 - 1), drawdownPct: 100 * (1_500 / 100_500), maxDrawdownPct: 100 * (1_500 / 100_500) });
    expect(s.performance.microCaps).toBeNull();
    const next = feed.update(st, [eq(3, 99_500, 92_700)]);
    expect(next.equity.ts).toHaveLength(3);
    expect(next.performance.btc).toMatchObject({ lastUsd: 92_700, peakUsd: 103_000, drawdownPct: 100 * (10_300 / 103_000) });
    expect(feed.snapshot).toBe(next);
  });

  it('counts the operator requests waiting: at once when one is queued, without those the last cycle applied', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'equity.jsonl'), '');
    const queue = new ControlQueue();
    const feed = new OperatorFeed('sim', dir, (applied) => queue.waiting(applied));
    const st = freshState(100_000);
    expect(feed.requestQueued()).toBeNull(); // before the first cycle there is nothing to show
    st.lastCompletedCycle = 1;
    expect(feed.update(st, [eq(1, 100_000, 100_000)]).requestsWaiting).toBe(0);
    queue.push({ id: 'a', kind: 'pause_entries', by: 'telegram chat 111' });
    const now = feed.requestQueued()!;
    expect(now.requestsWaiting).toBe(1);
    expect(now.equity.ts).toEqual(['2026-01-01T01:00:00.000Z']); // the rest as it was
    // the next cycle applies it: the state records it, and it is no longer waiting (though still in the file)
    st.operatorApplied = [{ id: 'a', cycle: 2 }];
    expect(feed.update(st, [eq(2, 100_000, 100_000)]).requestsWaiting).toBe(0);
    expect(queue.waiting([])).toBe(1);
  });

  it('tracks a series without keeping it: gaps change nothing, the first point is the start when none is given', () => {
    const t = new SeriesTrack(null);
    expect(t.figures()).toBeNull();
    expect(t.add(null)).toBeNull();
    expect(t.add(Number.NaN)).toBeNull();
    expect(t.figures()).toBeNull();
    expect(t.add(200)).toBe(0);
    expect(t.add(150)).toBe(25);
    expect(t.add(null)).toBeNull();
    expect(t.figures()).toEqual({ startUsd: 200, lastUsd: 150, peakUsd: 200, returnPct: -25, drawdownPct: 25, maxDrawdownPct: 25 });
    // a start at nothing: no return to show (never Infinity)
    const z = new SeriesTrack(0);
    z.add(10);
    expect(z.figures()).toMatchObject({ returnPct: null, drawdownPct: 0, maxDrawdownPct: 0 });
  });
});
