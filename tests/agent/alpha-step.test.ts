import { describe, expect, it } from 'vitest';
import { AlphaStep } from '../../src/agent/steps/alpha-step.js';
import type { FeatureFeed } from '../../src/alpha/feature-engine.js';
import type { PumpModel } from '../../src/alpha/pump-model.js';
import { emptySnapshot, freshState, makeContext } from './context.js';

/** Features are [pump probability, in-pump probability]; the model passes them through. */
const model = { threshold: 0.05, file: { features: ['p', 'inPump'] }, score: (rows: number[][]) => rows.map((r) => r[0]!), scoreInPump: (rows: number[][]) => rows.map((r) => r[1]!) } as unknown as PumpModel;

describe('AlphaStep', () => {
  it('scores the tradable assets, and makes an alarm a candidate once it has lasted confirmBars bars in a row', () => {
    const state = freshState();
    let rows: Record<string, number[]> = {};
    const feed: FeatureFeed = { update: () => new Map(Object.entries(rows)) };
    const step = new AlphaStep(feed, model, { entryProbability: 0.1, maxCandidates: 5, confirmBars: 2 });
    const bar = (cycle: number, r: Record<string, number[]>) => {
      rows = r;
      const { c, events } = makeContext({ snapshot: emptySnapshot(cycle), state, universe: { tradable: Object.keys(r), reference: [], excluded: [] } });
      step.run(c);
      return { c, events };
    };
    const first = bar(10, { A: [0.3, 0.01], B: [0.2, 0.9], C: [0.05, 0] });
    expect(first.c.pumpProbabilities).toEqual({ A: 0.3, B: 0.2, C: 0.05 });
    expect(first.c.inPumpProbabilities).toEqual({ A: 0.01, B: 0.9, C: 0 });
    expect(first.c.candidates).toEqual([]); // alarmed for one bar only
    expect(first.events.map((e) => [e.type, e.fields.symbol, e.fields.candidate])).toEqual([['pump_alarm', 'A', false], ['pump_alarm', 'B', false]]);
    expect(state.alarmStreaks).toEqual({ A: 1, B: 1 });
    const second = bar(11, { A: [0.25, 0], B: [0.05, 0], C: [0.4, 0] });
    expect(second.c.candidates).toEqual(['A']); // B's alarm ended, C's began
    expect(state.alarmStreaks).toEqual({ A: 2, C: 1 });
    expect(second.events.map((e) => e.fields.symbol)).toEqual(['C']); // an alarm is logged when it starts
    expect(bar(12, { A: [0.2, 0], C: [0.4, 0] }).c.candidates).toEqual(['C', 'A']); // most probable first
    expect(state.alarmStreaks).toEqual({ A: 3, C: 2 });
  });
});
