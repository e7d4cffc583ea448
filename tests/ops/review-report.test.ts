import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReview, reviewFigures, reviewHtml, reviewText } from '../../src/ops/review-report.js';
import { tradeFigures } from '../../src/ops/log-figures.js';
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
    const d = loadReview(dir, st, '24h');
    expect(new Date(d.toMs).toISOString()).toBe('2026-01-03T00:00:00.000Z');
    expect(d.equity).toHaveLength(24);
    expect(d.startNavUsd).toBe(100_000);
    const f = reviewFigures(d);
    expect(f).toMatchObject({ navStartUsd: 100_000, navEndUsd: 101_000, closedTrades: 1, winners: 1, tradePnlUsd: 12.5, halts: 1, resumes: 1, sleevePnlUsd: 150, guardrailTrips: { var: 1 } });
    expect(f.returnPct).toBeCloseTo(1, 12);
    expect(f.feesUsd).toBeCloseTo(18, 9); // the option sale's 0.0003 BTC at 60 000
    expect(f.clusterExposure).toEqual([{ cluster: 'cluster 2', weight: 1_010 / 101_000 }]);
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
