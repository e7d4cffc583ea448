import { readJsonlLog, type LogEvent } from '../../src/state/jsonl-log.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { parseInstrument } from '../../src/options/instrument.js';
import type { EngineState } from '../../src/state/schema.js';
import { memoryIo, SLEEVE_YAML, tmp } from '../helpers.js';


describe('convexity sleeve over a 180-day back-test (sleeve alone, calls and puts)', () => {
  const cwd = tmp();
  const sleeveFile = join(cwd, 'sleeve.yaml');
  writeFileSync(sleeveFile, readFileSync(SLEEVE_YAML, 'utf8').replace('include_puts: false', 'include_puts: true'));
  let trades: LogEvent[] = [];
  let meta: LogEvent[] = [];
  let equity: LogEvent[] = [];
  let state: EngineState;

  it('runs alone and writes its own events', async () => {
    const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['run', '--mode', 'backtest', '--sleeve', 'convex', '--days', '180', '--seed', '1', '--sleeve-config', sleeveFile], io)).toBe(0);
    trades = readJsonlLog(join(cwd, 'logs', 'trades.jsonl'));
    meta = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl'));
    equity = readJsonlLog(join(cwd, 'logs', 'equity.jsonl'));
    state = JSON.parse(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')) as EngineState;
    expect(trades.filter((e) => e.type === 'order_placed')).toEqual([]); // no core order
    expect(meta.filter((e) => e.type === 'allocation' || e.type === 'clusters')).toEqual([]);
    expect(trades.every((e) => e.sleeve === 'convex')).toBe(true);
    expect(trades.filter((e) => e.type === 'option_fill' && e.reason === 'open').length).toBeGreaterThan(12);
    expect(trades.filter((e) => e.type === 'option_settled').length).toBeGreaterThan(0);
    expect(meta.filter((e) => e.type === 'sleeve_decision')).toHaveLength(180);
    expect(state.cashUsd).toBe(100_000); // the core book's cash is untouched; the sleeve has its own account
    expect(equity.at(-1)!.navUsd).toBeCloseTo(100_000 + state.sleeve.cashUsd + state.sleevePositions.reduce((a, p) => a + p.markUsd, 0), 6);
  }, 120_000);

  it('never spends more than its budget in any period (every fill audited)', () => {
    const buys = trades.filter((e) => e.type === 'option_fill' && e.reason === 'open');
    const navAt = new Map(equity.map((e) => [e.cycle, e.navUsd as number]));
    const periodMs = 30 * 86_400_000;
    const first = Date.parse(buys[0]!.ts);
    const spent = new Map<number, number>();
    for (const b of buys) {
      // what the controller believed, and an independent sum per 30-day period from the first decision
      expect(b.periodSpentUsd as number).toBeLessThanOrEqual((b.budgetUsd as number) * (1 + 1e-9));
      const k = Math.floor((Date.parse(b.ts) - first) / periodMs);
      spent.set(k, (spent.get(k) ?? 0) + (b.costUsd as number));
      const navBefore = navAt.get(b.cycle - 1) ?? 100_000;
      expect(spent.get(k)!).toBeLessThanOrEqual(0.005 * navBefore * 1.01); // 0.5 % of NAV (NAV moves < 1 % in a bar)
      expect(b.costUsd as number).toBeCloseTo(((b.priceCoin as number) * (b.qty as number) + (b.feeCoin as number)) * (b.indexUsd as number), 9);
    }
    expect(spent.size).toBeGreaterThanOrEqual(6);
    expect(Math.max(...spent.values())).toBeGreaterThan(0.004 * 100_000 * 0.9); // and it does use its budget
    expect(meta.filter((e) => e.type === 'sleeve_budget_breach')).toEqual([]);
  });

  it('settles at expiry for the intrinsic value and shows the convex profile on large moves', () => {
    for (const e of trades.filter((x) => x.type === 'option_settled')) {
      const inst = parseInstrument(e.instrument as string);
      expect(new Date(inst.expiryMs).getUTCHours()).toBe(8);
      const intrinsic = Math.max(0, inst.type === 'call' ? (e.settlementUsd as number) - inst.strike : inst.strike - (e.settlementUsd as number));
      expect(e.payoffUsd as number).toBeCloseTo(intrinsic * (e.qty as number), 9);
      expect(e.pnlUsd as number).toBeCloseTo((e.payoffUsd as number) - (e.premiumPaidUsd as number), 9);
    }
    // daily P&L of the account (only the sleeve moves it) against the daily BTC return
    const byDay = new Map<string, LogEvent>();
    for (const e of equity) byDay.set(e.ts.slice(0, 10), e);
    const days = [...byDay.values()];
    const big: number[] = [];
    const quiet: number[] = [];
    for (let i = 1; i < days.length; i++) {
      const r = (days[i]!.benchmarkNavUsd as number) / (days[i - 1]!.benchmarkNavUsd as number) - 1;
      const pnl = (days[i]!.navUsd as number) - (days[i - 1]!.navUsd as number);
      if (Math.abs(r) > 0.05) big.push(pnl);
      if (Math.abs(r) < 0.02) quiet.push(pnl);
    }
    const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    expect(big.length).toBeGreaterThan(5);
    expect(mean(big)).toBeGreaterThan(0); // long wings gain on large moves either way...
    expect(mean(quiet)).toBeLessThan(0); // ...and bleed premium (theta) on quiet days
    // the sleeve can lose no more than the premium it paid
    const paid = trades.filter((e) => e.type === 'option_fill' && e.reason === 'open').reduce((a, e) => a + (e.costUsd as number), 0);
    expect((days.at(-1)!.navUsd as number) - 100_000).toBeGreaterThan(-paid);
  });
});

describe('--sleeve all', () => {
  it('runs the sleeve next to the core book', async () => {
    const cwd = tmp();
    expect(await main(['run', '--mode', 'sim', '--sleeve', 'all', '--days', '2'], memoryIo(cwd, { LOG_LEVEL: 'warn' }))).toBe(0);
    const meta = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl'));
    expect(meta.filter((e) => e.type === 'sleeve_decision').length).toBe(2);
    expect(meta.filter((e) => e.type === 'allocation').length).toBe(48);
    const state = JSON.parse(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')) as EngineState;
    expect(state.sleevePositions.length).toBe(2); // a BTC and an ETH call
  });
});
