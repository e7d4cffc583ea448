import { readJsonlLog } from '../../src/state/jsonl-log.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineState } from '../../src/state/schema.js';
import { SLEEVE_YAML, tmp } from '../helpers.js';
import { LoopbackDeribit } from '../options/loopback-deribit.js';
import type { LoopbackBinance } from '../execution/loopback-binance.js';
import { config, env, exchange, SECRET } from './loopback-testnet.js';
import { dirArgs, spawnCoce } from './process.js';

describe('coce run --mode testnet against the loopback exchange (fake keys)', () => {
  let ex: LoopbackBinance | null = null;
  afterEach(async () => {
    await ex?.stop();
    ex = null;
  });

  it('runs a cycle end to end: live data, decisions, orders through ccxt, fills in state and logs', async () => {
    ex = await exchange().start();
    const dir = tmp();
    const r = await spawnCoce(['run', '--mode', 'testnet', '--cycles', '1', '--config', config(dir, ex.base), ...dirArgs(dir)], { env }).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('COCE testnet run: 1 cycles this run');
    const state = JSON.parse(readFileSync(join(dir, 'data', 'state.json'), 'utf8')) as EngineState;
    // the book came from the account (100 000 USDT + 2 000 ABC), and ABC, no entry of COCE's, was sold
    const trades = readJsonlLog(join(dir, 'logs', 'trades.jsonl'));
    const placed = trades.filter((e) => e.type === 'order_placed');
    expect(placed.length).toBeGreaterThan(0);
    expect(placed.every((e) => /^coce-\d+-[A-Z]+-[bs]\d$/.test(e.clientOrderId as string))).toBe(true);
    expect(placed.some((e) => e.symbol === 'ABC' && e.side === 'sell')).toBe(true);
    expect([...ex.orders.keys()].sort()).toEqual(placed.map((e) => e.clientOrderId as string).sort());
    expect(state.cashUsd).toBeCloseTo(ex.balances.get('USDT')!, 6);
    expect(state.positions.ABC?.qty ?? 0).toBeCloseTo(ex.balances.get('ABC') ?? 0, 6);
    expect(state.run).toMatchObject({ mode: 'testnet', seed: null, marketSource: 'live:binance' });
    expect(state.startNavUsd).toBeGreaterThan(100_000); // cash + the ABC held
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  }, 60_000);

  it('a kill between submit and acknowledgement, then a restart, places no order twice and loses none', async () => {
    let killed: string | null = null;
    let run: ReturnType<typeof spawnCoce> | null = null;
    ex = await exchange((id) => {
      killed = id;
      run?.kill('SIGKILL');
    }).start();
    ex.faults = { timeoutAfterAccept: 1 };
    const dir = tmp();
    const cfg = config(dir, ex.base);
    run = spawnCoce(['run', '--mode', 'testnet', '--cycles', '1', '--config', cfg, ...dirArgs(dir)], { env });
    const first = await run.done;
    expect(first.signal).toBe('SIGKILL');
    expect(killed).not.toBeNull();
    expect(ex.orders.has(killed!)).toBe(true); // the exchange has it; the process never heard back
    ex.faults = {};
    const second = await spawnCoce(['run', '--mode', 'testnet', '--cycles', '1', '--config', cfg, ...dirArgs(dir)], { env }).done;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(ex.duplicateSubmissions).toEqual([]);
    const trades = readJsonlLog(join(dir, 'logs', 'trades.jsonl'));
    expect(trades.find((e) => e.clientOrderId === killed && e.type === 'order_adopted')).toMatchObject({ from: 'journal', found: true });
    const known = new Set(trades.filter((e) => e.type === 'order_placed' || e.type === 'order_adopted').map((e) => e.clientOrderId as string));
    for (const id of ex.orders.keys()) expect(known.has(id), id).toBe(true);
    const state = JSON.parse(readFileSync(join(dir, 'data', 'state.json'), 'utf8')) as EngineState;
    expect(state.cashUsd).toBeCloseTo(ex.balances.get('USDT')!, 6);
    expect(state.positions.ABC?.qty ?? 0).toBeCloseTo(ex.balances.get('ABC') ?? 0, 6);
  }, 60_000);

  it('runs the convexity sleeve alone on testnet against a loopback Deribit (its real JSON-RPC shapes)', async () => {
    ex = await exchange().start();
    const dx = await new LoopbackDeribit({ clientId: 'fake-deribit-id', secret: 'fake-deribit-secret', index: { BTC: 60_000, ETH: 3_000 }, vol: 0.6 }).start();
    try {
      const dir = tmp();
      const sleeve = join(dir, 'sleeve.yaml');
      writeFileSync(sleeve, readFileSync(SLEEVE_YAML, 'utf8').replace(/run_every_bars: 24 /, 'run_every_bars: 1 '));
      const r = await spawnCoce(['run', '--mode', 'testnet', '--sleeve', 'convex', '--cycles', '1', '--config', config(dir, ex.base, dx.base), '--sleeve-config', sleeve, ...dirArgs(dir)], {
        env: { ...env, DERIBIT_CLIENT_ID: 'fake-deribit-id', DERIBIT_CLIENT_SECRET: 'fake-deribit-secret' },
      }).done;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const fills = readJsonlLog(join(dir, 'logs', 'trades.jsonl')).filter((e) => e.type === 'option_fill');
      expect(fills.map((e) => (e.instrument as string).split('-')[0])).toEqual(['BTC', 'ETH']);
      expect(dx.orders.map((o) => [o.instrument, o.direction, o.label])).toEqual(fills.map((e) => [e.instrument, 'buy', 'coce-sleeve']));
      const state = JSON.parse(readFileSync(join(dir, 'data', 'state.json'), 'utf8')) as EngineState;
      expect(state.sleevePositions.map((p) => p.instrument)).toEqual(fills.map((e) => e.instrument));
      const spent = fills.reduce((a, e) => a + (e.costUsd as number), 0);
      expect(state.sleeve.periodSpentUsd).toBeCloseTo(spent, 9);
      expect(spent).toBeLessThanOrEqual(0.005 * state.startNavUsd);
      expect(ex.orders.size).toBe(0); // the core book does not trade with --sleeve convex
      expect(r.stdout).not.toContain('fake-deribit-secret');
    } finally {
      await dx.stop();
    }
  }, 60_000);
});
