import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_MODEL_PATH } from '../../src/agent/alpha-setup.js';
import { retrainPumpModel, retrainSource } from '../../src/agent/retrain.js';
import { readModelFile } from '../../src/alpha/model-file.js';
import { main } from '../../src/cli.js';
import type { Config } from '../../src/utils/config.js';
import { BASE_YAML, baseConfig, memoryIo, tmp } from '../helpers.js';

const H = 3_600_000;

/** Rewrites bars.csv: `edit` may change a row (cycle, symbol and the numeric columns) or return it as is. */
function editBars(dir: string, edit: (cycle: number, symbol: string, cols: string[]) => string[]): void {
  const file = join(dir, 'bars.csv');
  const [head, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
  writeFileSync(file, [head, ...rows.map((r) => {
    const cols = r.split(',');
    return edit(Number(cols[0]), cols[1]!, cols).join(',');
  })].join('\n') + '\n');
}

describe('retraining in the run: no model sees past its cut-off', () => {
  let dir: string;
  let cfg: Config;
  let first: number;
  beforeAll(async () => {
    const cwd = tmp();
    expect(await main(['data', 'generate', '--days', '40', '--seed', '4', '--out', 'mkt'], memoryIo(cwd))).toBe(0);
    dir = join(cwd, 'mkt');
    first = (JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { firstCycle: number }).firstCycle;
    const base = baseConfig();
    cfg = { ...base, alpha: { ...base.alpha, classifier: { ...base.alpha.classifier, minValidationPumps: 1, minValidationRocAuc: 0.5, retrainWindowDays: 60 } } };
  }, 60_000);

  const retrainOn = async (folder: string, cutoff: number) => {
    const r = await retrainPumpModel(cfg, readModelFile(SHIPPED_MODEL_PATH), retrainSource(cfg, 4, first, H, folder), cutoff, H, 4);
    if ('rejected' in r) throw new Error(r.rejected.join('; '));
    return r;
  };

  it('a poisoned bar after the cut-off (and a pump listed there) changes nothing; one before it does', async () => {
    const cutoff = first + 25 * 24 - 1;
    const clean = await retrainOn(dir, cutoff);
    expect(clean.file.training.validationCycles[1]).toBe(cutoff - 6); // the last row: its label needs 6 bars after it
    const after = join(tmp(), 'after');
    cpSync(dir, after, { recursive: true });
    // every bar after the cut-off: prices x1000 and volumes x1000; and a pump that starts one bar after it
    editBars(after, (c, _s, cols) => (c > cutoff ? [cols[0]!, cols[1]!, cols[2]!, ...cols.slice(3).map((v) => String(Number(v) * 1000))] : cols));
    const ev = join(after, 'events.csv');
    const t = (h: number) => new Date((cutoff + 1 + h) * H).toISOString();
    writeFileSync(ev, readFileSync(ev, 'utf8').trimEnd() + `\n9999,MC001,${t(-1)},${t(1)},${t(1)},${t(3)},0.3,1.1,10,\n`);
    const poisoned = await retrainOn(after, cutoff);
    expect(JSON.stringify(poisoned.file)).toBe(JSON.stringify(clean.file));
    expect(poisoned.hash).toBe(clean.hash);
    // the same poison a day before the cut-off is seen: the model differs (the check above can fail)
    const before = join(tmp(), 'before');
    cpSync(dir, before, { recursive: true });
    editBars(before, (c, s, cols) => (c > cutoff - 48 && s === 'MC001' ? [cols[0]!, cols[1]!, cols[2]!, ...cols.slice(3, 7), String(Number(cols[7]) * 50), String(Number(cols[8]) * 50)] : cols));
    expect((await retrainOn(before, cutoff)).hash).not.toBe(clean.hash);
  }, 120_000);
});

describe('retraining: refused where there is nothing to learn from', () => {
  it('testnet/live and a recorded folder without events.csv stop with exit 2 before anything is written', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'r.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/^ {4}retrain_every_days: null /m, '    retrain_every_days: 7 '));
    const testnet = memoryIo(cwd, { EXCHANGE_API_KEY: 'fake-key-123456', EXCHANGE_API_SECRET: 'fake-secret-5678', TWITTER_BEARER: 'fake-bearer-9999' });
    expect(await main(['run', '--mode', 'testnet', '--config', 'r.yaml', '--cycles', '1'], testnet)).toBe(2);
    expect(testnet.err()).toContain("alpha.classifier.retrain_every_days retrains on the run's labelled pumps, which testnet data does not have yet");
    expect(await main(['data', 'generate', '--days', '2', '--seed', '1', '--out', 'mkt'], memoryIo(cwd))).toBe(0);
    rmSync(join(cwd, 'mkt', 'events.csv'));
    const recorded = memoryIo(cwd);
    expect(await main(['backtest', '--data', 'mkt', '--config', 'r.yaml'], recorded)).toBe(2);
    expect(recorded.err()).toContain(`${join(cwd, 'mkt')} has none (events.csv): import it with --pumps, or set it to null`);
    expect(readdirSync(join(cwd, 'runs'), { recursive: true }).filter((f) => String(f).endsWith('.json') || String(f).endsWith('.jsonl'))).toEqual([]);
  });
});
