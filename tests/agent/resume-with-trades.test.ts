import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainFromConfig } from '../../src/agent/pump-training.js';
import { writeModelFile } from '../../src/alpha/model-file.js';
import { main } from '../../src/cli.js';
import type { Config } from '../../src/utils/config.js';
import { baseConfig, BASE_YAML, memoryIo, tmp } from '../helpers.js';
import { runFiles } from '../e2e/process.js';

describe('a sim that trades, stopped and resumed', () => {
  it('ends byte-identical to one uninterrupted run (orders, fills and venue ids included)', async () => {
    const base = baseConfig();
    const cfg: Config = { ...base, market: { ...base.market, synthetic: { ...base.market.synthetic, microCaps: 25 } } };
    const model = await trainFromConfig(cfg, 5, 20);
    const setup = () => {
      const cwd = tmp();
      writeFileSync(join(cwd, 'small.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/micro_caps: 80 /, 'micro_caps: 25 '));
      mkdirSync(join(cwd, 'data'));
      writeModelFile(join(cwd, 'data', 'model.json'), model);
      return cwd;
    };
    const run = async (cwd: string, days: number) => expect(await main(['run', '--mode', 'sim', '--days', String(days), '--seed', '4', '--config', join(cwd, 'small.yaml')], memoryIo(cwd, { LOG_LEVEL: 'warn' }))).toBe(0);
    const once = setup();
    await run(once, 8);
    const twice = setup();
    await run(twice, 3);
    await run(twice, 8);
    const a = runFiles(once);
    const b = runFiles(twice);
    expect(a['logs/trades.jsonl']!.split('\n').filter((l) => l.includes('"fill"')).length).toBeGreaterThan(20);
    expect(b).toEqual(a);
  }, 120_000);
});
