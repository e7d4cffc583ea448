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
