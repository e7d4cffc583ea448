import { describe, expect, it } from 'vitest';
import { formatReport, reportState } from '../../src/agent/state-report.js';
import { initialState } from '../../src/state/schema.js';

const RUN = { mode: 'backtest', seed: 4, marketSource: 'basic-synthetic', barMs: 3_600_000, firstCycle: 100 } as const;

describe('reportState / formatReport', () => {
  it('derives NAV, return, drawdowns and position weights from state', () => {
    const s = initialState({ ...RUN }, 1_000, 'h');
    s.cashUsd = 500;
    s.positions = {
      AAA: { qty: 10, avgEntryPriceUsd: 20, lastPriceUsd: 30, openedCycle: 100, realizedPnlUsd: 0 },
      BBB: { qty: -2, avgEntryPriceUsd: 50, lastPriceUsd: 100, openedCycle: 101, realizedPnlUsd: 0 },
    };
    s.equityCurve = [
      { cycle: 100, ts: '2026-01-01T01:00:00.000Z', navUsd: 1_000 },
      { cycle: 101, ts: '2026-01-01T02:00:00.000Z', navUsd: 1_200 },
      { cycle: 102, ts: '2026-01-01T03:00:00.000Z', navUsd: 600 },
    ];
    s.peakEquityUsd = 1_200;
    s.lastCompletedCycle = 102;
    s.lastCompletedTs = '2026-01-01T03:00:00.000Z';
    s.killSwitch = { state: 'halted', reason: 'sharpe 0.40 < 1.2', sinceCycle: 102 };
    const r = reportState(s);
    // NAV 600 = 500 + 10 x 30 - 2 x 100; return 600 / 1000 - 1; drawdown (1200 - 600) / 1200
    expect(r).toMatchObject({ cycles: 3, navUsd: 600, returnPct: -40, drawdownPct: 50, maxDrawdownPct: 50 });
    expect(r.positions).toEqual([
      { symbol: 'AAA', qty: 10, lastPriceUsd: 30, valueUsd: 300, weightPct: 50 },
      { symbol: 'BBB', qty: -2, lastPriceUsd: 100, valueUsd: -200, weightPct: -100 / 3 },
    ]);
    expect(formatReport(r).split('\n')).toEqual([
      'mode            backtest  seed 4',
      'last cycle      102  (2026-01-01T03:00:00.000Z)  cycles run 3',
      'NAV             600.00 USD  (cash 500.00 USD)',
      'return          -40.00 %  from 1,000.00 USD at the start of the run',
      'drawdown        50.00 % now, 50.00 % worst in the last 3 bars  (peak 1,200.00 USD)',
      'kill-switch     halted: sharpe 0.40 < 1.2 since cycle 102',
      'positions       2  open orders 0  sleeve options 0',
      '  AAA        qty        10.0000  px      30.0000  value         300.00 USD   50.00 %',
      '  BBB        qty       -2.00000  px      100.000  value        -200.00 USD  -33.33 %',
    ]);
  });

  it('handles a state with no cycles yet', () => {
    const s = initialState({ ...RUN, seed: null, mode: 'live' }, 1_000, 'h');
    expect(reportState(s)).toMatchObject({ cycles: 0, navUsd: 1_000, startNavUsd: 1_000, returnPct: 0 });
    s.startNavUsd = 0;
    const r = reportState(s);
    expect(r.returnPct).toBeNull();
    expect(formatReport(r).split('\n').slice(0, 4)).toEqual([
      'mode            live',
      'last cycle      none yet  cycles run 0',
      'NAV             1,000.00 USD  (cash 1,000.00 USD)',
      'return          n/a  from 0.00 USD at the start of the run',
    ]);
  });
});
