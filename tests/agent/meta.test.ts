import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditPerformance } from '../../src/agent/meta-audit.js';
import { MetaStep } from '../../src/agent/steps/meta-step.js';
import { GuardrailStep } from '../../src/agent/steps/guardrail-step.js';
import { buildGuardrails } from '../../src/agent/build-engine.js';
import { ReturnHistory } from '../../src/agent/return-history.js';
import { baseConfig } from '../helpers.js';
import { main } from '../../src/cli.js';
import { initialState, type EngineState } from '../../src/state/schema.js';
import { emptySnapshot, makeContext } from './context.js';
import { createRng } from '../../src/utils/rng.js';
import { memoryIo, tmp } from '../helpers.js';

const H = 3_600_000;
/** A snapshot with deep liquidity for A, B, C (so the ADV cap never binds). */
const liquid = (cycle: number) => ({
  ...emptySnapshot(cycle),
  liquidity: Object.fromEntries(['A', 'B', 'C'].map((s) => [s, { marketCapUsd: 1e8, advUsd: 1e12, spreadBps: 10 }])),
});
const S = { windowDays: 7, minSharpe: 1.2, minHitRate: 0.6, minTrades: 3, minDays: 7 };

describe('auditPerformance', () => {
  it('halts on a low Sharpe or hit rate with the numbers, and judges nothing on too little data', () => {
    // NAV 100, 99, 100, 99, ...: returns -1 %, +1.01 %, ... four losses, three gains -> mean < 0, Sharpe < 0
    const navs = [100, 99, 100, 99, 100, 99, 100, 99];
    const trades = [{ closedCycle: 1, pnlUsd: 5 }, { closedCycle: 2, pnlUsd: -1 }, { closedCycle: 3, pnlUsd: -2 }];
    const a = auditPerformance(navs, trades, S);
    expect(a.verdict).toBe('halt');
    expect(a.days).toBe(7);
    expect(a.hitRate).toBeCloseTo(1 / 3, 15);
    expect(a.reasons[1]).toBe('hit rate 33.3 % < 60 %');
    expect(a.reasons[0]).toMatch(/^7-day Sharpe [-\d.]+ < 1.2$/);
    // steady +1 % a day with winners: fine
    const up = [100, 101, 102.01, 103.03, 104.06, 105.1, 106.15, 107.21];
    expect(auditPerformance(up.map((v, i) => v + (i % 2) * 0.01), [{ closedCycle: 1, pnlUsd: 1 }, { closedCycle: 2, pnlUsd: 1 }, { closedCycle: 3, pnlUsd: 1 }], S).verdict).toBe('ok');
    const few = auditPerformance(navs.slice(0, 4), [], S);
    expect(few).toMatchObject({ verdict: 'not-judged', reasons: ['3 days of returns, needs 7', '0 closed trades, needs 3'], hitRate: null });
  });
});

function ctx(state: EngineState, cycle: number, proposed: Record<string, number>) {
  state.approvedWeights = proposed;
  return makeContext({ snapshot: emptySnapshot(cycle), state, targetWeights: proposed, approvedWeights: proposed });
}

describe('MetaStep (kill-switch)', () => {
  const settings = { ...S, barMs: H, onHalt: 'hold' as const, dailyAuditHourUtc: 0, weeklyAuditWeekday: 1 };
  const badState = () => {
    const s = initialState({ mode: 'sim', seed: 1, marketSource: 'x', barMs: H, firstCycle: 0 }, 100, 'h');
    // 8 daily closes alternating 100 / 101 and three losing trades
    s.dailyNav = Array.from({ length: 8 }, (_, d) => ({ day: `2025-12-${28 + d}`, navUsd: d % 2 === 0 ? 100 : 99 }));
    s.closedTrades = [1, 2, 3].map((k) => ({ closedCycle: 490_980 + k, symbol: 'AAA', openedCycle: 490_900, pnlUsd: -k }));
    return s;
  };

  it('halts at the audit hour, logs the audit and the halt, and from then on no entry passes meta + guardrails', () => {
    const state = badState();
    const audit = 490_991; // closes at 2026-01-05T00:00Z (a Monday): the weekly audit
    state.approvedWeights = { A: 0.05 };
    const { c, events } = makeContext({ snapshot: liquid(audit), state, targetWeights: { A: 0.1, B: 0.1 }, currentWeights: { A: 0.05 } });
    new MetaStep(settings).run(c);
    expect(events.map((e) => e.type)).toEqual(['weekly_audit', 'halt']);
    expect(state.killSwitch).toMatchObject({ state: 'halted', sinceCycle: audit });
    expect(c.targetWeights).toEqual({ A: 0.05 }); // hold: the proposal becomes the current book
    // property: whatever the allocation proposes later, nothing opens or grows through meta and the guardrails
    const guards = new GuardrailStep(buildGuardrails(baseConfig()), new ReturnHistory(10), { barsPerDay: 24, varLookbackDays: 60, corrShortBars: 24, corrLongBars: 336, varLevel: 0.99 });
    const rng = createRng(11);
    for (let k = 1; k < 300; k++) {
      const before = { ...state.approvedWeights };
      const proposed = Object.fromEntries(['A', 'B', 'C'].map((s) => [s, rng.next() * 0.2]));
      // the book held is what was approved last (executed in full)
      const { c: next } = makeContext({ snapshot: liquid(audit + k), state, targetWeights: proposed, currentWeights: before, navUsd: 100 });
      new MetaStep(settings).run(next);
      guards.run(next);
      for (const [s, v] of Object.entries(next.approvedWeights)) expect(v).toBeLessThanOrEqual(before[s] ?? 0);
    }
    const flat = badState();
    flat.approvedWeights = { A: 0.1 };
    const f = makeContext({ snapshot: liquid(audit), state: flat, targetWeights: { A: 0.2 }, currentWeights: { A: 0.1 } }).c;
    new MetaStep({ ...settings, onHalt: 'flatten' }).run(f);
    expect(f.targetWeights).toEqual({});
  });

  it('says "not judged" without enough closed trades, and audits only at the audit hour', () => {
    const state = badState();
    state.closedTrades = [];
    const { c, events } = ctx(state, 490_967, {}); // closes 2026-01-04T00:00Z, a Sunday: daily audit
    new MetaStep(settings).run(c);
    expect(events.map((e) => e.type)).toEqual(['daily_audit']);
    expect(events[0]!.fields.verdict).toBe('not-judged');
    const later = ctx(state, 490_968, {});
    new MetaStep(settings).run(later.c);
    expect(later.events).toEqual([]);
  });
});

describe('coce resume', () => {
  it('lifts a halt with a logged reason, and refuses when not halted or without a reason', async () => {
    const cwd = tmp();
    expect(await main(['run', '--days', '1'], memoryIo(cwd, { LOG_LEVEL: 'warn' }))).toBe(0);
    const file = join(cwd, 'data', 'state.json');
    const notHalted = memoryIo(cwd);
    expect(await main(['resume', '--reason', 'checked'], notHalted)).toBe(2);
    expect(notHalted.err()).toContain('trading is not halted (kill-switch active); nothing to resume');
    const s = JSON.parse(readFileSync(file, 'utf8')) as EngineState;
    s.killSwitch = { state: 'halted', reason: '7-day Sharpe 0.10 < 1.2', sinceCycle: 490_900 };
    writeFileSync(file, JSON.stringify(s));
    const ok = memoryIo(cwd);
    expect(await main(['resume', '--reason', 'reviewed the week, model retrained'], ok)).toBe(0);
    expect(ok.out()).toBe('trading resumed after cycle 490919 (halted since cycle 490900: 7-day Sharpe 0.10 < 1.2)\n');
    expect((JSON.parse(readFileSync(file, 'utf8')) as EngineState).killSwitch).toEqual({ state: 'active', reason: 'resumed: reviewed the week, model retrained', sinceCycle: 490_919 });
    const last = readFileSync(join(cwd, 'logs', 'meta_events.jsonl'), 'utf8').trim().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ type: 'resume', cycle: 490_919, reason: 'reviewed the week, model retrained', haltedSinceCycle: 490_900 });
    expect(await main(['resume'], memoryIo(cwd))).toBe(2); // --reason is required
    expect(await main(['resume', '--reason', 'x'], memoryIo(cwd))).toBe(2); // too short
    // the run goes on after a resume
    expect(await main(['run', '--days', '2'], memoryIo(cwd, { LOG_LEVEL: 'warn' }))).toBe(0);
  });
});
