import { describe, expect, it } from 'vitest';
import { formatInPumpReports, inPumpReport, inPumpScores, startBarLabels, trainInPumpDetector } from '../../src/alpha/in-pump.js';
import type { DatasetRow } from '../../src/alpha/dataset.js';
import { createRng } from '../../src/utils/rng.js';

const M5 = 300_000;
const features = ['z_volume', 'z_return', 'hour_sin', 'z_rush_orders'];

/** One asset's bars: noise, and at every 100th bar a pump start whose bar carries big surprises. */
function market(seed: number, bars: number) {
  const rng = createRng(seed, 77);
  const events = [];
  const rows: DatasetRow[] = [];
  for (let c = 0; c < bars; c++) {
    const start = c % 100 === 50;
    if (start) events.push({ symbol: 'A', pumpStartMs: c * M5 + 60_000, peakMs: c * M5, endMs: (c + 2) * M5, accumulationStartMs: c * M5 });
    const x = [rng.normal() + (start ? 6 : 0), rng.normal() + (start ? 4 : 0), rng.normal(), rng.normal() + (start ? 5 : 0)];
    rows.push({ symbol: 'A', cycle: c, closeMs: (c + 1) * M5, x, y: 0, actionable: 0 });
  }
  return { rows, events };
}

describe('the in-pump view: "a pump starts in this bar"', () => {
  it('labels the bar holding each start, fits on the surprises it knows and thresholds on validation', () => {
    const tr = market(1, 2000);
    const va = market(2, 1000);
    const yTr = startBarLabels(tr, M5);
    expect(yTr.reduce<number>((a, v) => a + v, 0)).toBe(20);
    expect(yTr[50]).toBe(1);
    const d = trainInPumpDetector(features, tr.rows, yTr, va.rows, startBarLabels(va, M5))!;
    // hour_sin is not one of its features: the detector keeps the surprises only, in IN_PUMP_FEATURES order
    expect(d.features).toEqual(['z_volume', 'z_return', 'z_rush_orders']);
    const te = market(3, 1000);
    const p = inPumpScores(d, features, te.rows);
    const r = inPumpReport('in-pump detector', te, p.map((v) => v >= d.threshold), M5);
    expect([r.f1, r.events, r.caughtWithinHour, r.medianMinutesToAlarm]).toEqual([1, 10, 10, 5]);
    expect(formatInPumpReports([r], '5m').split('\n')[2]).toMatch(/^in-pump detector\s+100\.0\s+100\.0\s+100\.0\s+10\/10\s+5$/);
  });

  it('no detector without start bars on both sides or without any of its features', () => {
    const tr = market(1, 500);
    const none = tr.rows.map(() => 0 as const);
    expect(trainInPumpDetector(features, tr.rows, startBarLabels(tr, M5), tr.rows, none)).toBeNull();
    expect(trainInPumpDetector(['hour_sin'], tr.rows, startBarLabels(tr, M5), tr.rows, startBarLabels(tr, M5))).toBeNull();
  });

  it('a late alarm counts its minutes; a missed start is n/a', () => {
    const te = market(3, 200);
    const late = te.rows.map((r) => r.cycle === 52 || r.cycle === 151);
    const r = inPumpReport('late', te, late, M5);
    // bar 52 closes 15 minutes after the open of the start bar 50; bar 151 closes 10 minutes after bar 150's open
    expect([r.caughtWithinHour, r.medianMinutesToAlarm, r.f1]).toEqual([2, 12.5, 0]);
    const missed = inPumpReport('none', te, te.rows.map(() => false), M5);
    expect(formatInPumpReports([missed], '1h')).toContain('n/a');
  });
});
