import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimClock, WallClock, type Clock } from '../../src/agent/clock.js';
import type { CycleStep } from '../../src/agent/cycle-step.js';
import { Engine } from '../../src/agent/engine.js';
import { MarkToMarketStep } from '../../src/agent/steps/mark-to-market-step.js';
import type { MarketDataSource, MarketSnapshot } from '../../src/data_ingest/market-data-source.js';
import { EventLogs } from '../../src/state/event-logs.js';
import { initialState } from '../../src/state/schema.js';
import { FileStateStore } from '../../src/state/state-store.js';
import { memoryLogger, tmp } from '../helpers.js';

const H = 3_600_000;
const FIRST = 100;

/** AAA moves 10 -> 11 -> 12 ... one dollar a bar. */
const market: MarketDataSource = {
  name: 'fake',
  inputs: new Set(),
  quote: 'USDT',
  symbols: () => ['AAA'],
  snapshot: (cycle: number): Promise<MarketSnapshot> => {
    const close = 10 + (cycle - FIRST + 1);
    return Promise.resolve({
      cycle,
      closeMs: (cycle + 1) * H,
      bars: { AAA: { openMs: cycle * H, open: close - 1, high: close, low: close - 1, close, volumeBase: 1, volumeUsd: close } },
      liquidity: {},
      sentiment: {},
      realizedVol: {},
    });
  },
};

function setup(steps: CycleStep[] = [], clock: Clock = new SimClock(FIRST * H), saveEveryCycles = 1) {
  const dir = tmp();
  const store = new FileStateStore(join(dir, 'data'));
  store.ensureWritable();
  const logs = new EventLogs(join(dir, 'logs'));
  logs.open();
  const { log, lines } = memoryLogger();
  const state = initialState({ mode: 'sim', seed: 1, marketSource: 'fake', barMs: H, firstCycle: FIRST }, 1_000, 'h');
  state.positions = { AAA: { qty: 10, avgEntryPriceUsd: 10, lastPriceUsd: 10, openedCycle: FIRST, realizedPnlUsd: 0 } };
  state.cashUsd = 900;
  state.peakEquityUsd = 1_000;
  const engine = new Engine({ clock, market, store, logs, steps: [new MarkToMarketStep(3), ...steps], log, barMs: H, catchUp: 'skip', saveEveryCycles });
  return { dir, store, logs, engine, state, lines };
}

describe('Engine', () => {
  it('runs each cycle, marks to market, bounds the equity curve, logs and saves', async () => {
    const { dir, store, engine, state } = setup();
    const out = await engine.run(state, FIRST + 4, new AbortController().signal);
    expect(out).toMatchObject({ cyclesRun: 5, cyclesSkipped: 0, stoppedBy: 'end' });
    const saved = store.load()!;
    expect(saved).toEqual(out.state);
    expect(saved.lastCompletedCycle).toBe(FIRST + 4);
    expect(saved.lastCompletedTs).toBe(new Date((FIRST + 5) * H).toISOString());
    // AAA closes 11..15; NAV = 900 + 10 x close; curve keeps the last 3 points
    expect(saved.equityCurve.map((p) => p.navUsd)).toEqual([1030, 1040, 1050]);
    expect(saved.peakEquityUsd).toBe(1050);
    // bars closing 05:00-09:00 on 1970-01-05: one daily close, the last NAV
    expect(saved.dailyNav).toEqual([{ day: '1970-01-05', navUsd: 1050 }]);
    expect(saved.positions.AAA!.lastPriceUsd).toBe(15);
    const equity = readFileSync(join(dir, 'logs', 'equity.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(equity).toHaveLength(5);
    expect(equity[0]).toEqual({
      ts: new Date((FIRST + 1) * H).toISOString(),
      type: 'equity',
      cycle: FIRST,
      navUsd: 1010,
      cashUsd: 900,
      grossExposureUsd: 110,
      peakEquityUsd: 1010,
      drawdownPct: 0,
      positions: 1,
      benchmarkNavUsd: null, // the fake market has no BTC
      universeBenchmarkNavUsd: 1000, // its micro-caps at equal weight, on their first bar
    });
    expect(saved.logOffsets['equity.jsonl']).toBe(readFileSync(join(dir, 'logs', 'equity.jsonl')).length);
    // resuming continues after the last completed cycle
    const again = await engine.run(saved, FIRST + 6, new AbortController().signal);
    expect(again.cyclesRun).toBe(2);
    expect(again.state.equityCurve.map((p) => p.cycle)).toEqual([FIRST + 4, FIRST + 5, FIRST + 6]);
  });

  it('saves every N cycles and at the end when asked (back-tests), logs and state always in step', async () => {
    const saves: (number | null)[] = [];
    const { dir, store, engine, state } = setup([], new SimClock(FIRST * H), 3);
    const save = store.save.bind(store);
    store.save = (s) => {
      saves.push(s.lastCompletedCycle);
      const lines = readFileSync(join(dir, 'logs', 'equity.jsonl'), 'utf8').trim().split('\n');
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ cycle: s.lastCompletedCycle }); // logs written up to the saved cycle
      save(s);
    };
    await engine.run(state, FIRST + 6, new AbortController().signal);
    expect(saves).toEqual([FIRST + 2, FIRST + 5, FIRST + 6]);
    expect(readFileSync(join(dir, 'logs', 'equity.jsonl'), 'utf8').trim().split('\n')).toHaveLength(7);
  });

  it('emits drawdown and stale prices from the mark-to-market step', async () => {
    const { dir, engine, state } = setup();
    state.peakEquityUsd = 2_030;
    state.positions.ZZZ = { qty: 1, avgEntryPriceUsd: 5, lastPriceUsd: 5, openedCycle: FIRST, realizedPnlUsd: 0 };
    await engine.run(state, FIRST, new AbortController().signal);
    const line = JSON.parse(readFileSync(join(dir, 'logs', 'equity.jsonl'), 'utf8')) as Record<string, unknown>;
    // NAV = 900 + 10 x 11 + 5 = 1015; drawdown (2030 - 1015) / 2030 = 50 %
    expect(line).toMatchObject({ navUsd: 1015, drawdownPct: 50, stalePrices: ['ZZZ'] });
  });

  it('saves nothing and appends nothing when a step fails', async () => {
    const failing: CycleStep = {
      name: 'boom',
      run: (ctx) => {
        ctx.emit('trades', 'order', { id: 'x' });
        if (ctx.cycle === FIRST + 2) throw new Error('step failed');
      },
    };
    const { dir, store, engine, state } = setup([failing]);
    await expect(engine.run(state, FIRST + 5, new AbortController().signal)).rejects.toThrow('step failed');
    expect(store.load()!.lastCompletedCycle).toBe(FIRST + 1);
    expect(readFileSync(join(dir, 'logs', 'trades.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('stops between cycles when the signal aborts, finishing the running one', async () => {
    const ac = new AbortController();
    const stopper: CycleStep = { name: 'stop', run: (ctx) => void (ctx.cycle === FIRST + 1 && ac.abort()) };
    const { store, engine, state } = setup([stopper]);
    const out = await engine.run(state, null, ac.signal);
    expect(out).toMatchObject({ cyclesRun: 2, stoppedBy: 'signal' });
    expect(store.load()!.lastCompletedCycle).toBe(FIRST + 1);
  });

  it('skips missed cycles on the wall clock with catch_up skip, and logs it', async () => {
    let now = (FIRST + 10) * H + 5; // bars FIRST .. FIRST+9 have closed
    const clock = new WallClock(
      () => now,
      (ms) => {
        now += ms;
        return Promise.resolve();
      },
    );
    const { engine, state, lines } = setup([], clock);
    const out = await engine.run(state, FIRST + 10, new AbortController().signal);
    expect(out.cyclesSkipped).toBe(9);
    expect(out.cyclesRun).toBe(2);
    expect(out.state.equityCurve.map((p) => p.cycle)).toEqual([FIRST + 9, FIRST + 10]);
    expect(lines.some((l) => l.includes('missed cycles skipped') && l.includes('"skipped":9'))).toBe(true);
  });
});
