import { readJsonlLog } from '../../src/state/jsonl-log.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainFromConfig } from '../../src/agent/pump-training.js';
import { writeModelFile } from '../../src/alpha/model-file.js';
import { main } from '../../src/cli.js';
import type { EngineState } from '../../src/state/schema.js';
import type { Config } from '../../src/utils/config.js';
import { baseConfig, BASE_YAML, memoryIo, tmp } from '../helpers.js';


describe('meta kill-switch end to end', () => {
  it('a sim configured to lose halts within one audit period, holds no new entries, and trades again after coce resume', async () => {
    const cwd = tmp();
    const cfgFile = join(cwd, 'bad.yaml');
    // 300 bps fees each way: every round trip loses, so the Sharpe and the hit rate collapse. This small book closes
    // few round trips in its first days, so the audit may judge from the first closed trade and 3 days of returns.
    writeFileSync(
      cfgFile,
      readFileSync(BASE_YAML, 'utf8')
        .replace(/micro_caps: 80 /, 'micro_caps: 30 ')
        .replace(/taker_fee_bps: 10/, 'taker_fee_bps: 300')
        .replace(/min_trades: 10 /, 'min_trades: 1 ')
        .replace(/min_days: 7 /, 'min_days: 3 '),
    );
    const base = baseConfig();
    const cfg: Config = { ...base, market: { ...base.market, synthetic: { ...base.market.synthetic, microCaps: 30 } } };
    mkdirSync(join(cwd, 'data'));
    writeModelFile(join(cwd, 'data', 'model.json'), await trainFromConfig(cfg, 5, 30));
    const quiet = () => memoryIo(cwd, { LOG_LEVEL: 'warn' });
    const firstRun = quiet();
    expect(await main(['run', '--mode', 'sim', '--days', '14', '--seed', '3', '--config', cfgFile], firstRun)).toBe(0);
    const meta = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl'));
    const trades = readJsonlLog(join(cwd, 'logs', 'trades.jsonl'));
    const first = (JSON.parse(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')) as EngineState).run.firstCycle;
    const halt = meta.find((e) => e.type === 'halt')!;
    expect(halt).toBeDefined();
    expect(halt.reason as string).toMatch(/Sharpe|hit rate/);
    // judged as soon as the audit has min_days of returns and min_trades closed trades: within one 7-day window
    const firstJudged = meta.find((e) => (e.type === 'daily_audit' || e.type === 'weekly_audit') && e.verdict !== 'not-judged')!;
    expect(halt.cycle).toBe(firstJudged.cycle);
    expect(halt.cycle - first).toBeLessThanOrEqual(7 * 24);
    // after the halt nothing is bought (hold: positions kept, sold only by the guardrails)
    const buysAfter = trades.filter((e) => e.type === 'order_placed' && e.side === 'buy' && e.cycle > halt.cycle);
    expect(buysAfter).toEqual([]);
    const state = JSON.parse(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')) as EngineState;
    expect(state.killSwitch).toMatchObject({ state: 'halted', sinceCycle: halt.cycle });
    expect(firstRun.out()).toContain(`COCE halted trading at cycle ${halt.cycle}: ${halt.reason as string}`); // the notifier

    // a restart does not lift it; `coce resume` does, and the run trades again
    expect(await main(['run', '--mode', 'sim', '--days', '15', '--seed', '3', '--config', cfgFile], quiet())).toBe(0);
    expect(readJsonlLog(join(cwd, 'logs', 'trades.jsonl')).filter((e) => e.type === 'order_placed' && e.side === 'buy' && e.cycle > halt.cycle)).toEqual([]);
    const io = memoryIo(cwd);
    expect(await main(['resume', '--reason', 'fees fixed, reviewed the week'], io)).toBe(0);
    const resumedAt = first + 15 * 24 - 1;
    expect(io.out()).toContain(`trading resumed after cycle ${resumedAt}`);
    expect(io.err()).toContain(`COCE trading resumed after cycle ${resumedAt}: fees fixed, reviewed the week`);
    expect(await main(['run', '--mode', 'sim', '--days', '22', '--seed', '3', '--config', cfgFile], quiet())).toBe(0);
    const after = readJsonlLog(join(cwd, 'logs', 'trades.jsonl')).filter((e) => e.type === 'order_placed' && e.side === 'buy' && e.cycle > resumedAt);
    expect(after.length).toBeGreaterThan(0);
    const metaAfter = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl'));
    expect(metaAfter.filter((e) => e.type === 'resume')).toHaveLength(1);
    // the audits after the resume judge only what happened since: no instant re-halt on the old window
    const auditsAfter = metaAfter.filter((e) => (e.type === 'daily_audit' || e.type === 'weekly_audit') && e.cycle > resumedAt);
    expect(auditsAfter[0]).toMatchObject({ verdict: 'not-judged' });
  }, 120_000);
});
