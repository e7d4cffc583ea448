import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainFromConfig } from '../../src/agent/pump-training.js';
import { writeModelFile } from '../../src/alpha/model-file.js';
import { main } from '../../src/cli.js';
import type { Config } from '../../src/utils/config.js';
import { baseConfig, BASE_YAML, memoryIo, tmp } from '../helpers.js';

interface AllocationEvent {
  cycle: number;
  weights: Record<string, number>;
  /** The book the allocation started from (the guardrails' last approved book). */
  from: Record<string, number>;
  clusters: Record<string, number | null>;
  gross: number;
  turnover: number;
  capForcedTrades: number;
  capForcedTurnover: number;
}

describe('allocation audit over a 180-day sim', () => {
  it('every constraint holds at every rebalance', async () => {
    const cwd = tmp();
    const cfgFile = join(cwd, 'small.yaml');
    writeFileSync(cfgFile, readFileSync(BASE_YAML, 'utf8').replace(/micro_caps: 80 /, 'micro_caps: 40 '));
    const base = baseConfig();
    const cfg: Config = { ...base, market: { ...base.market, synthetic: { ...base.market.synthetic, microCaps: 40 } } };
    mkdirSync(join(cwd, 'data'));
    writeModelFile(join(cwd, 'data', 'model.json'), await trainFromConfig(cfg, 5, 40));
    const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['run', '--mode', 'backtest', '--days', '180', '--seed', '6', '--config', cfgFile], io)).toBe(0);

    const events = readFileSync(join(cwd, 'logs', 'meta_events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string } & AllocationEvent);
    const allocations = events.filter((e) => e.type === 'allocation');
    const p = cfg.portfolio;
    expect(allocations).toHaveLength(180 * 24); // rebalance_every_bars 1
    expect(allocations.filter((a) => Object.keys(a.weights).length > 0).length).toBeGreaterThan(500); // it did invest
    const equity = new Map(readFileSync(join(cwd, 'logs', 'equity.jsonl'), 'utf8').trim().split('\n').map((l) => {
      const e = JSON.parse(l) as { cycle: number; navUsd: number };
      return [e.cycle, e.navUsd] as const;
    }));
    let turnoverLimited = 0;
    for (const a of allocations) {
      const prev = a.from;
      const w = a.weights;
      for (const v of Object.values(w)) {
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThanOrEqual(p.maxAssetWeightPct / 100 + 1e-12);
      }
      const byCluster = new Map<number, number>();
      for (const [s, v] of Object.entries(w)) if (a.clusters[s] !== null) byCluster.set(a.clusters[s]!, (byCluster.get(a.clusters[s]!) ?? 0) + v);
      for (const v of byCluster.values()) expect(v).toBeLessThanOrEqual(p.maxClusterWeightPct / 100 + 1e-12);
      expect(a.gross).toBeLessThanOrEqual(p.maxGrossExposurePct / 100 + 1e-12);
      // caps win over the turnover limit only for the sales they force (re-clustering, rounding up to the minimum)
      const nav0 = equity.get(a.cycle - 1) ?? cfg.sim.initialCashUsd;
      expect(a.turnover).toBeLessThanOrEqual(p.maxTurnoverPct / 100 + a.capForcedTurnover + (a.capForcedTrades * p.minTradeNotionalUsd) / nav0 + 1e-12);
      if (a.turnover > p.maxTurnoverPct / 100 - 1e-9) turnoverLimited++;
      // no trade below the minimum (NAV is flat until execution exists, so the previous bar's NAV is the NAV)
      const nav = equity.get(a.cycle - 1) ?? cfg.sim.initialCashUsd;
      for (const s of new Set([...Object.keys(prev), ...Object.keys(w)])) {
        const dUsd = Math.abs((w[s] ?? 0) - (prev[s] ?? 0)) * nav;
        // closing out a position worth less than the minimum is the one smaller trade allowed
        const closesDust = (w[s] ?? 0) === 0 && (prev[s] ?? 0) * nav < p.minTradeNotionalUsd;
        if (dUsd > 0 && !closesDust) expect(dUsd).toBeGreaterThanOrEqual(p.minTradeNotionalUsd - 1e-6);
      }
    }
    expect(turnoverLimited).toBeGreaterThan(0); // the limiter was exercised
    const clusterEvents = events.filter((e) => e.type === 'clusters');
    expect(clusterEvents.length).toBeGreaterThanOrEqual(180);
  }, 180_000);
});
