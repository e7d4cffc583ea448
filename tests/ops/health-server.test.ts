import { describe, expect, it } from 'vitest';
import { HealthServer } from '../../src/ops/health-server.js';
import { freshState } from '../agent/context.js';

describe('HealthServer', () => {
  it('reports starting, ok, halted and stale, serves the metrics, and names a port that is taken', async () => {
    let now = 1_000;
    const h = new HealthServer({ mode: 'testnet', staleAfterMs: 60_000, nowMs: () => now });
    const port = await h.start('127.0.0.1', 0);
    const get = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: r.status, body: await r.text() };
    };
    try {
      expect(JSON.parse((await get('/healthz')).body)).toEqual({ status: 'starting', mode: 'testnet', lastCycle: null, lastCycleAgeMs: null, halted: false, haltReason: null });
      now += 61_000; // the first cycle never came
      expect((await get('/healthz')).status).toBe(503);
      const st = freshState(100_000);
      st.equityCurve.push({ cycle: 7, ts: '2026-01-01T08:00:00.000Z', navUsd: 90_000 });
      st.killSwitch = { state: 'halted', reason: 'hit rate 20.0 % < 60 %', sinceCycle: 7 };
      h.update(7, st, { ms: 12, orders: 3, errors: 1 });
      now += 5_000;
      const ok = await get('/healthz');
      expect(ok.status).toBe(200); // halted is reported, not unhealthy
      expect(JSON.parse(ok.body)).toEqual({ status: 'ok', mode: 'testnet', lastCycle: 7, lastCycleAgeMs: 5_000, halted: true, haltReason: 'hit rate 20.0 % < 60 %' });
      const m = (await get('/metrics')).body;
      for (const line of ['coce_nav_usd 90000', 'coce_drawdown_ratio 0.1', 'coce_halted 1', 'coce_last_cycle 7', 'coce_orders_total 3', 'coce_errors_total 1', 'coce_cycle_duration_seconds_count 1', 'coce_cycle_duration_seconds_sum 0.012']) expect(m).toContain(line);
      now += 60_001;
      expect(JSON.parse((await get('/healthz')).body)).toMatchObject({ status: 'stale' });
      expect((await get('/other')).status).toBe(404);
      await expect(new HealthServer({ mode: 'sim', staleAfterMs: 1 }).start('127.0.0.1', port)).rejects.toThrow(`health port 127.0.0.1:${port} cannot be used (EADDRINUSE)`);
    } finally {
      await h.close();
    }
    await new HealthServer({ mode: 'sim', staleAfterMs: 1 }).close(); // closing one never started is fine
  });
});
