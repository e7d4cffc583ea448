import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditPerformance } from '../../src/agent/meta-audit.js';
import { MetaStep } from '../../src/agent/steps/meta-step.js';
import { GuardrailStep } from '../../src/agent/steps/guardrail-step.js';
import { buildGuardrails } from '../../src/agent/build-engine.js';
import { ReturnHistory } from '../../src/agent/return-history.js';
import { baseConfig, memoryLogger } from '../helpers.js';
import { stepConfig } from '../../src/agent/run-agent.js';
import { main } from '../../src/cli.js';
import { initialState, type EngineState } from '../../src/state/schema.js';
import { emptySnapshot, makeContext } from './context.js';
import { createRng } from '../../src/utils/rng.js';
import { memoryIo, tmp } from '../helpers.js';
import { spawnCoce } from '../e2e/process.js';

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
    // a book that lost the same share every day has no spread: no defined Sharpe, and the reason says so (not "-Infinity")
    const flat = auditPerformance([128, 64, 32, 16, 8, 4, 2, 1], // -50 % every day, exactly (powers of two)
      [{ closedCycle: 1, pnlUsd: 1 }, { closedCycle: 2, pnlUsd: 1 }, { closedCycle: 3, pnlUsd: 1 }], { ...S, minHitRate: 0 });
    expect(flat.verdict).toBe('halt');
    expect(flat.reasons).toEqual(['7-day Sharpe -inf (returns without spread, mean -50.000 % a day) < 1.2']);
    const few = auditPerformance(navs.slice(0, 4), [], S);
    expect(few).toMatchObject({ verdict: 'not-judged', reasons: ['3 days of returns, needs 7', '0 closed trades, needs 3'], hitRate: null });
  });
});

function ctx(state: EngineState, cycle: number, proposed: Record<string, number>) {
  state.approvedWeights = proposed;
  return makeContext({ snapshot: emptySnapshot(cycle), state, targetWeights: proposed, approvedWeights: proposed });
}

describe('MetaStep (kill-switch)', () => {
  const settings = { ...S, barMs: H, onHalt: 'hold' as const, dailyAuditHourUtc: 0, weeklyAuditWeekday: 1, autoResumeAfterDays: null, probationGrossScale: 0.5 };
  const badState = () => {
    const s = initialState({ mode: 'sim', seed: 1, marketSource: 'x', barMs: H, firstCycle: 0 }, 100, 'h');
    // 8 daily closes alternating 100 / 101 and three losing trades
    s.dailyNav = Array.from({ length: 8 }, (_, d) => ({ day: `2025-12-${28 + d}`, navUsd: d % 2 === 0 ? 100 : 99 }));
    s.closedTrades = [1, 2, 3].map((k) => ({ closedCycle: 490_980 + k, symbol: 'AAA', openedCycle: 490_900, pnlUsd: -k, exit: 'rebalance' as const }));
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

  it('auto-resume: an audit halt, its cool-down, probation at half the entries, back to full size when an audit passes', () => {
    const state = badState();
    const audit = 490_991; // 2026-01-05T00:00Z
    const auto = { ...settings, autoResumeAfterDays: 2 };
    const step = (cycle: number, proposed: Record<string, number>, current: Record<string, number>) => {
      const r = makeContext({ snapshot: liquid(cycle), state, targetWeights: proposed, currentWeights: current });
      new MetaStep(auto).run(r.c);
      return r;
    };
    const halted = step(audit, { A: 0.1 }, {});
    expect(halted.events.map((e) => e.type)).toEqual(['weekly_audit', 'halt']);
    expect(state.killSwitch).toMatchObject({ state: 'halted', cause: 'audit', sinceCycle: audit });
    expect(halted.events[1]!.fields.autoResumeAtCycle).toBe(audit + 48); // the cool-down, announced
    // still halted one bar before the two days are up: nothing enters
    const waiting = step(audit + 47, { A: 0.1 }, {});
    expect(waiting.c.targetWeights).toEqual({});
    const resumed = step(audit + 48, { A: 0.1, B: 0.04 }, { B: 0.02 });
    expect(resumed.events.map((e) => e.type)).toEqual(['daily_audit', 'resume']);
    expect(resumed.events[1]!.fields).toMatchObject({ by: 'auto', haltedSinceCycle: audit, probationGrossScale: 0.5 });
    expect(state.killSwitch).toMatchObject({ state: 'probation', sinceCycle: audit + 48 });
    // on probation an entry is half its size, an increase half of what it adds, a held position untouched
    expect(resumed.c.targetWeights.A).toBeCloseTo(0.05, 15);
    expect(resumed.c.targetWeights.B).toBeCloseTo(0.03, 15);
    // the audit judges only what happened since the resume: 7 good days and 10 winners pass it
    state.dailyNav = Array.from({ length: 9 }, (_, d) => ({ day: `2026-01-${String(7 + d).padStart(2, '0')}`, navUsd: 100 * 1.01 ** d + (d % 2) * 0.1 }));
    state.closedTrades = Array.from({ length: 10 }, (_, k) => ({ closedCycle: audit + 100 + k, symbol: 'WIN', openedCycle: audit + 48, pnlUsd: 1 + k, exit: 'take_profit' as const }));
    const passed = step(audit + 48 + 8 * 24, { A: 0.1 }, {});
    expect(passed.events.map((e) => e.type)).toEqual(['daily_audit', 'probation_passed']);
    expect(state.killSwitch).toMatchObject({ state: 'active', sinceCycle: audit + 48 });
    expect(passed.c.targetWeights).toEqual({ A: 0.1 });
    // a halt by the venue is never lifted by the clock
    state.killSwitch = { state: 'halted', reason: 'venue error: down', sinceCycle: audit };
    expect(step(audit + 30 * 24 + 5, { A: 0.1 }, {}).c.targetWeights).toEqual({});
    expect(state.killSwitch.state).toBe('halted');
  });

  it('a probation that fails its audit halts again', () => {
    const state = badState();
    state.killSwitch = { state: 'probation', reason: 'auto-resumed', sinceCycle: 490_800 };
    const r = makeContext({ snapshot: liquid(490_991), state, targetWeights: {}, currentWeights: {} });
    new MetaStep({ ...settings, autoResumeAfterDays: 2, minTrades: 3 }).run(r.c);
    expect(r.events.map((e) => e.type)).toEqual(['weekly_audit', 'halt']);
    expect(r.events[1]!.fields.from).toBe('probation');
    expect(state.killSwitch).toMatchObject({ state: 'halted', cause: 'audit' });
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
    // the runs in a process of their own, as an operator starts them (two in-process sims in one vitest fork, with
    // their worker threads, were where that fork died without a message three times in six full runs)
    expect((await spawnCoce(['run', '--days', '1'], { cwd }).done).code).toBe(0);
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
    const after = await spawnCoce(['run', '--days', '2'], { cwd }).done;
    expect(after.code).toBe(0);
    expect((JSON.parse(readFileSync(file, 'utf8')) as EngineState).lastCompletedCycle).toBe(490_943); // 2 days from the first cycle
  });
});

describe('auto-resume and live money', () => {
  it('live ignores meta.auto_resume_after_days (with a warning); paper modes keep it', () => {
    const cfg = baseConfig();
    const auto = { ...cfg, meta: { ...cfg.meta, autoResumeAfterDays: 3 } };
    const { log, lines } = memoryLogger();
    expect(stepConfig(auto, 'live', log).meta.autoResumeAfterDays).toBeNull();
    expect(lines.join('\n')).toContain('meta.auto_resume_after_days does not apply in live mode: a halt waits for coce resume');
    expect(stepConfig(auto, 'testnet', log)).toBe(auto);
    expect(stepConfig(cfg, 'live', log)).toBe(cfg);
  });
});
