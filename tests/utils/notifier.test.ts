import { describe, expect, it } from 'vitest';
import { LogNotifier, notificationOf } from '../../src/utils/notifier.js';
import { memoryLogger } from '../helpers.js';

describe('notifications', () => {
  it('turns audits, halts, resumes and mismatches into one-line notifications; other events into none', () => {
    expect(notificationOf({ ts: 't', type: 'halt', cycle: 7, reason: 'hit rate 30.0 % < 60 %' })).toEqual({
      type: 'halt',
      severity: 'critical',
      cycle: 7,
      text: 'COCE halted trading at cycle 7: hit rate 30.0 % < 60 %',
      fields: { reason: 'hit rate 30.0 % < 60 %' },
    });
    expect(notificationOf({ type: 'resume', cycle: 9, reason: 'checked' })?.text).toBe('COCE trading resumed after cycle 9: checked');
    expect(notificationOf({ type: 'reconcile_mismatch', cycle: 3, mismatchUsd: 1000 })?.text).toBe('COCE state and venue differ by 1000.00 USD: trading halted');
    expect(notificationOf({ type: 'weekly_audit', cycle: 5, verdict: 'not-judged', reasons: ['2 days of returns, needs 7'] })?.text).toBe(
      'COCE weekly audit at cycle 5: not-judged (2 days of returns, needs 7)',
    );
    expect(notificationOf({ type: 'daily_audit', cycle: 5, verdict: 'ok', reasons: [] })).toMatchObject({ severity: 'info', text: 'COCE daily audit at cycle 5: ok' });
    expect(notificationOf({ type: 'guardrail_trip', cycle: 1 })).toBeNull();
    const { log, lines } = memoryLogger();
    const n = new LogNotifier(log);
    n.notify(notificationOf({ type: 'halt', cycle: 7, reason: 'x' })!);
    n.notify(notificationOf({ type: 'daily_audit', cycle: 8, verdict: 'ok', reasons: [] })!);
    expect(lines.map((l) => (JSON.parse(l) as { level: number; msg: string }).level)).toEqual([40, 30]);
    expect(JSON.parse(lines[0]!)).toMatchObject({ notification: 'halt', cycle: 7, reason: 'x', msg: 'COCE halted trading at cycle 7: x' });
  });
});

describe('drawdown levels and the daily summary', () => {
  it('are notified from the mark-to-market step when a level is crossed and at the summary hour', async () => {
    const { MarkToMarketStep } = await import('../../src/agent/steps/mark-to-market-step.js');
    const { makeContext, freshState } = await import('../agent/context.js');
    const st = freshState(100_000);
    const step = new MarkToMarketStep(1000, 8, [0.05, 0.1, 0.15]);
    const at = (hour: number, cash: number) => {
      st.cashUsd = cash;
      const closeMs = Date.UTC(2026, 0, 2, hour);
      const r = makeContext({ snapshot: { cycle: closeMs / 3_600_000 - 1, closeMs, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} }, state: st });
      step.run(r.c);
      return r.events.filter((e) => e.log === 'meta');
    };
    expect(at(6, 100_000)).toEqual([]);
    const down = at(7, 93_000); // 7 %: past the 5 % level
    expect(down.map((e) => [e.type, e.fields.from, e.fields.to])).toEqual([['drawdown_level', 0, 0.05]]);
    expect(notificationOf({ type: 'drawdown_level', cycle: 1, ...down[0]!.fields })).toMatchObject({ severity: 'warning', text: 'COCE drawdown 7.00 % (level 0 % -> 5 %)' });
    const summary = at(8, 93_000);
    expect(summary.map((e) => e.type)).toEqual(['daily_summary']);
    expect(notificationOf({ type: 'daily_summary', cycle: 1, ...summary[0]!.fields })!.text).toMatch(/^COCE daily: NAV 93000\.00 USD \(-7\.00 % on the day\), drawdown 7\.00 %, 0 positions, kill-switch active$/);
    expect(at(9, 101_000).map((e) => [e.type, e.fields.to])).toEqual([['drawdown_level', 0]]); // back above the old peak
  });
});
