import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReview, reviewFigures, reviewHtml, reviewText } from '../../src/ops/review-report.js';
import { tradeFigures } from '../../src/ops/log-figures.js';
import { currentDrawdown } from '../../src/risk_guardrails/drawdown.js';
import { freshState } from '../agent/context.js';
import { tmp } from '../helpers.js';

const H = 3_600_000;
const D0 = Date.UTC(2026, 0, 1);
const line = (o: object) => JSON.stringify(o) + '\n';

describe('review report from hand-made logs', () => {
  it('ends the window at the last bar (not a wall-clock resume), starts from the NAV before it, and escapes text', () => {
    const dir = tmp();
    let eq = '';
    for (let h = 1; h <= 48; h++) eq += line({ ts: new Date(D0 + h * H).toISOString(), type: 'equity', cycle: h, navUsd: h <= 24 ? 100_000 : 101_000, drawdownPct: 0 });
    writeFileSync(join(dir, 'equity.jsonl'), eq);
    writeFileSync(
      join(dir, 'trades.jsonl'),
      line({ ts: new Date(D0 + 30 * H).toISOString(), type: 'trade_closed', cycle: 30, symbol: 'A<B>', openedCycle: 20, pnlUsd: 12.5 }) +
        line({ ts: new Date(D0 + 31 * H).toISOString(), type: 'option_fill', cycle: 31, reason: 'take_profit', side: 'sell', instrument: 'BTC-27FEB26-90000-C', qty: 0.1, proceedsUsd: 300, pnlUsd: 200, feeCoin: 0.0003, indexUsd: 60_000 }) +
        line({ ts: new Date(D0 + 32 * H).toISOString(), type: 'option_settled', cycle: 32, instrument: 'ETH-2JAN26-3000-C', qty: 1, payoffUsd: 0, pnlUsd: -50 }),
    );
    writeFileSync(
      join(dir, 'meta_events.jsonl'),
      line({ ts: new Date(D0 + 40 * H).toISOString(), type: 'guardrail_trip', cycle: 40, guardrail: 'var', reason: 'VaR 3.5 % > 3 % & more' }) +
        line({ ts: new Date(D0 + 41 * H).toISOString(), type: 'halt', cycle: 41, reason: 'hit rate 0.0 % < 60 %' }) +
        line({ ts: '2026-11-27T12:00:00.000Z', type: 'resume', cycle: 48, reason: 'checked' }),
    );
    const st = freshState(100_000);
    st.positions = { A: { qty: 10, avgEntryPriceUsd: 100, lastPriceUsd: 101, openedCycle: 1, realizedPnlUsd: 0 } };
    st.clusters = { A: 2 };
    st.equityCurve.push({ cycle: 48, ts: new Date(D0 + 48 * H).toISOString(), navUsd: 101_000 });
    const d = loadReview(dir, st, '24h');
    expect(new Date(d.toMs).toISOString()).toBe('2026-01-03T00:00:00.000Z');
    expect(d.equity).toHaveLength(24);
    expect(d.startNavUsd).toBe(100_000);
    const f = reviewFigures(d);
    expect(f).toMatchObject({ navStartUsd: 100_000, navEndUsd: 101_000, closedTrades: 1, winners: 1, tradePnlUsd: 12.5, halts: 1, resumes: 1, sleevePnlUsd: 150, guardrailTrips: { var: 1 } });
    expect(f.returnPct).toBeCloseTo(1, 12);
    expect(f.feesUsd).toBeCloseTo(18, 9); // the option sale's 0.0003 BTC at 60 000
    // what the console shows comes from its own snapshot of this state and these lines
    expect(d.snapshot.exposure).toEqual([{ cluster: 'cluster 2', weightPct: (100 * 1_010) / 101_000 }]);
    expect(d.snapshot.positions.map((p) => [p.symbol, p.pnlUsd])).toEqual([['A', 10]]);
    expect(reviewText(d, f)).toContain('positions        1 open, 10.00 USD unrealised; cluster 2 1.0 %');
    expect(reviewText(d, f)).toContain('kill-switch      active; 1 halt(s), 1 resume(s)\n');
    st.operator = { entriesPaused: true, by: 'telegram chat 111', sinceCycle: 47 };
    const paused = loadReview(dir, st, '24h');
    expect(reviewText(paused, reviewFigures(paused))).toContain('kill-switch      active; 1 halt(s), 1 resume(s); entries paused by telegram chat 111 since cycle 47\n');
    expect(reviewHtml(paused, reviewFigures(paused))).toContain('; entries paused by telegram chat 111 since cycle 47</td>');
    delete st.operator;
    expect(reviewHtml(d, f)).toContain('data-table="positions" data-rows="1"');
    const html = reviewHtml(d, f);
    expect(html).toContain('A&lt;B&gt;');
    expect(html).toContain('VaR 3.5 % &gt; 3 % &amp; more');
    expect(html).not.toContain('A<B>');
    expect(reviewText(d, f)).toContain('closed trades    1 (1 winners), P&L 12.50 USD');
    // a trade logged before exits existed was closed by rebalancing; no loss: no profit factor
    expect(f).toMatchObject({ tradesByExit: { rebalance: { trades: 1, pnlUsd: 12.5, wins: 1 } }, avgWinUsd: 12.5, avgLossUsd: null, profitFactor: null, timeInMarketPct: 0, avgGrossExposurePct: 0 });
    expect(reviewText(d, f)).toContain('round trips by exit rebalance 1 (1 won, 12.50 USD)');
    expect(html).toContain('<tr><td>profit factor</td><td>n/a</td></tr>');
    const all = loadReview(dir, st, 'all');
    expect(all.equity).toHaveLength(48);
    expect(new Date(all.fromMs).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    // the logs are read only as far as state.json recorded them
    st.logOffsets = { 'equity.jsonl': eq.split('\n').slice(0, 10).join('\n').length + 1 };
    expect(loadReview(dir, st, 'all').equity).toHaveLength(10);
    writeFileSync(join(dir, 'trades.jsonl'), '{"ts":"x","type":"fill"\n');
    st.logOffsets = {};
    expect(() => loadReview(dir, st, 'all')).toThrow(/trades\.jsonl line 1 is not JSON/);
  });
});

describe('the NAV beside the benchmarks: the window in the review, the run in the console, one tracking', () => {
  it('returns and drawdowns of the NAV, BTC and the micro-caps: from the values the window opened at, and from the peaks since the run began', () => {
    const dir = tmp();
    // NAV 100k -> 104k -> 98.8k -> 101k; BTC 100k -> 120k -> 90k -> 96k; micro-caps 100k -> 95k -> 99k -> 110k
    const rows = [
      [104_000, 120_000, 95_000],
      [98_800, 90_000, 99_000],
      [101_000, 96_000, 110_000],
    ];
    let eq = '';
    rows.forEach(([nav, btc, mc], i) => {
      eq += line({ ts: new Date(D0 + (i + 1) * 24 * H).toISOString(), type: 'equity', cycle: i + 1, navUsd: nav, drawdownPct: 100 * currentDrawdown(nav!, Math.max(100_000, ...rows.slice(0, i + 1).map((r) => r[0]!))), benchmarkNavUsd: btc, universeBenchmarkNavUsd: mc });
    });
    writeFileSync(join(dir, 'equity.jsonl'), eq);
    const st = freshState(100_000);
    st.equityCurve.push({ cycle: 3, ts: new Date(D0 + 72 * H).toISOString(), navUsd: 101_000 });
    st.peakEquityUsd = 104_000;
    // the last two days: the window opens at day 1's values
    const d = loadReview(dir, st, '2d');
    const f = reviewFigures(d);
    expect(f.window.nav).toEqual({ startUsd: 104_000, lastUsd: 101_000, peakUsd: 104_000, returnPct: 100 * (101_000 / 104_000 - 1), drawdownPct: 100 * (3_000 / 104_000), maxDrawdownPct: 100 * (5_200 / 104_000) });
    expect(f.window.btc).toEqual({ startUsd: 120_000, lastUsd: 96_000, peakUsd: 120_000, returnPct: 100 * (96_000 / 120_000 - 1), drawdownPct: 100 * (24_000 / 120_000), maxDrawdownPct: 100 * (30_000 / 120_000) });
    expect(f.window.microCaps).toEqual({ startUsd: 95_000, lastUsd: 110_000, peakUsd: 110_000, returnPct: 100 * (110_000 / 95_000 - 1), drawdownPct: 0, maxDrawdownPct: 0 });
    expect([f.returnPct, f.maxDrawdownPct]).toEqual([f.window.nav!.returnPct, f.window.nav!.maxDrawdownPct]);
    // since the run began, as the console shows it: from 100k, drawdowns from the run's peaks
    expect(d.snapshot.performance.btc).toEqual({ startUsd: 100_000, lastUsd: 96_000, peakUsd: 120_000, returnPct: 100 * (96_000 / 100_000 - 1), drawdownPct: 100 * (24_000 / 120_000), maxDrawdownPct: 100 * (30_000 / 120_000) });
    expect(d.snapshot.performance.microCaps).toMatchObject({ returnPct: 100 * (110_000 / 100_000 - 1), drawdownPct: 0, maxDrawdownPct: 100 * (5_000 / 100_000) });
    // the chart's NAV drawdown is equity.jsonl's own drawdownPct, bar by bar
    expect(d.points.map((p) => p.navDrawdownPct)).toEqual(d.equity.map((e) => e.drawdownPct));
    expect(d.points.map((p) => p.btcDrawdownPct)).toEqual([100 * (30_000 / 120_000), 100 * (24_000 / 120_000)]);
    expect(reviewText(d, f)).toContain('buy-and-hold     BTC -20.00 % (max drawdown 25.00 %), micro-caps at equal weight 15.79 % (max drawdown 0.00 %)');
    expect(reviewText(d, f)).toContain('since start      NAV 1.00 %, drawdown 2.88 %; BTC -4.00 %, drawdown 20.00 %; micro-caps 10.00 %, drawdown 0.00 %');
    const html = reviewHtml(d, f);
    for (const s of ['NAV drawdown %', 'BTC drawdown %', 'micro-caps drawdown %']) expect(html).toContain(`data-series="${s}" data-points="2"`);
  });
});

describe('trade figures (back-test summary and weekly review)', () => {
  it('counts round trips by exit, averages wins and losses, and measures the time in the market', () => {
    const t = (exit: string | undefined, pnlUsd: number) => ({ ts: '', type: 'trade_closed', cycle: 0, pnlUsd, ...(exit === undefined ? {} : { exit }) });
    const e = (grossExposureUsd: number) => ({ ts: '', type: 'equity', cycle: 0, navUsd: 1_000, grossExposureUsd });
    const f = tradeFigures([t('take_profit', 30), t('stop_loss', -20), t('take_profit', 10), t('time_limit', -5), t(undefined, 0), { ts: '', type: 'fill', cycle: 0 }], [e(0), e(100), e(300), e(0)]);
    expect(f.tradesByExit).toEqual({ take_profit: { trades: 2, pnlUsd: 40, wins: 2 }, stop_loss: { trades: 1, pnlUsd: -20, wins: 0 }, time_limit: { trades: 1, pnlUsd: -5, wins: 0 }, rebalance: { trades: 1, pnlUsd: 0, wins: 0 } });
    expect(f.avgWinUsd).toBe(20);
    expect(f.avgLossUsd).toBeCloseTo(-25 / 3, 12); // a trade at 0 is not a win
    expect(f.profitFactor).toBeCloseTo(40 / 25, 12);
    expect(f.timeInMarketPct).toBe(50);
    expect(f.avgGrossExposurePct).toBeCloseTo(10, 12);
    expect(tradeFigures([], [])).toEqual({ tradesByExit: {}, avgWinUsd: null, avgLossUsd: null, profitFactor: null, timeInMarketPct: 0, avgGrossExposurePct: 0 });
  });
});
