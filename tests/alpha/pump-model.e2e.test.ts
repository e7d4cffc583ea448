import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOrder, evaluateFromConfig, trainFromConfig } from '../../src/agent/pump-training.js';
import { readModelFile, writeModelFile } from '../../src/alpha/model-file.js';
import { PumpModel, type PumpModelFile } from '../../src/alpha/pump-model.js';
import { main } from '../../src/cli.js';
import type { Config } from '../../src/utils/config.js';
import { baseConfig, BASE_YAML, memoryIo, tmp } from '../helpers.js';

/** A smaller market than the default (40 micro-caps) so training fits in a test; same model and settings. */
const small = (): Config => {
  const c = baseConfig();
  return { ...c, market: { ...c.market, synthetic: { ...c.market.synthetic, microCaps: 40 } } };
};

describe('pump model: train, evaluate, beat the baseline', () => {
  let file: PumpModelFile;
  beforeAll(async () => {
    file = await trainFromConfig(small(), 1, 90);
  });

  it('records features, scaler, coefficients, threshold, training window and metrics', () => {
    expect(file.format).toBe('coce-pump-model/1');
    expect(file.features).toHaveLength(22);
    expect(file.features.slice(0, 4)).toEqual(['z_volume', 'z_return', 'z_mentions', 'sum3_volume']);
    expect(file.scaler.mean).toHaveLength(22);
    expect(file.logistic.coef).toHaveLength(22);
    expect(file.threshold).toBeGreaterThan(0);
    expect(file.threshold).toBeLessThan(1);
    // 90 days: fit on the first 70 % (1512 bars), purge 48 bars, validate on the rest
    expect(file.training.trainCycles).toEqual([490_896, 490_896 + 1511]);
    expect(file.training.validationCycles).toEqual([490_896 + 1512 + 48, 490_896 + 2159]);
    expect(file.training.positives).toBeGreaterThan(40);
    expect((file.metrics.walkForward as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect((file.metrics.validation as { rocAuc: number }).rocAuc).toBeGreaterThan(0.85);
    expect(typeof (file.metrics.validation as { precisionTargetMet: boolean }).precisionTargetMet).toBe('boolean');
    // prior-corrected probabilities: their mean on the training rows is near the base rate, not inflated by weights
    expect(file.threshold).toBeLessThan(0.6);
  });

  it('is deterministic for a seed, and the file loads back and scores identically', async () => {
    const again = await trainFromConfig(small(), 1, 90);
    expect(JSON.stringify(again)).toBe(JSON.stringify(file));
    const path = join(tmp(), 'm', 'model.json');
    writeModelFile(path, file);
    const loaded = readModelFile(path);
    const rows = [file.scaler.mean, file.scaler.mean.map((m, j) => m + file.scaler.sd[j]!)];
    expect(loaded.score(rows)).toEqual(new PumpModel(file).score(rows)); // the trained model, not another load
    expect(loaded.threshold).toBe(file.threshold);
    writeFileSync(path, '{"format":"other"}');
    expect(() => readModelFile(path)).toThrow(`${path} is not a coce-pump-model/1 file`);
    writeFileSync(path, JSON.stringify({ ...file, threshold: 'x' }));
    expect(() => readModelFile(path)).toThrow(`${path}: threshold: Invalid input: expected number, received string`);
    writeFileSync(path, JSON.stringify({ ...file, scaler: { ...file.scaler, sd: [1] } }));
    expect(() => readModelFile(path)).toThrow('22 features but 22/1 scaler columns and 22 coefficients');
    writeFileSync(path, JSON.stringify({ ...file, featureSettings: { ...file.featureSettings, rollingSumBars: [1, 2, 48] } }));
    expect(() => readModelFile(path)).toThrow('its feature list does not match its feature settings');
    const { training: _t, ...noTraining } = file;
    writeFileSync(path, JSON.stringify(noTraining));
    expect(() => readModelFile(path)).toThrow(`${path}: training: Invalid input`);
    expect(() => readModelFile(join(tmp(), 'none.json'))).toThrow('train one with `coce train`');
  });

  it('beats every Kamps & Kleinberg setting on F1 and PR-AUC on 3 unseen seeds, flagging a quarter of the pumps at or before their start', async () => {
    const model = readModelFile((() => {
      const p = join(tmp(), 'model.json');
      writeModelFile(p, file);
      return p;
    })());
    for (const seed of [101, 202, 303]) {
      const r = await evaluateFromConfig(model, small(), seed, 30);
      expect(r.events).toBeGreaterThan(15);
      for (const b of r.baselines) {
        expect(r.model.f1).toBeGreaterThan(b.f1);
        expect(r.model.prAuc).toBeGreaterThan(b.prAuc);
      }
      // pumps calibrated to the real ones give little warning: no hype before the call, a peak within minutes
      expect(r.model.shareFlaggedBeforeStart).toBeGreaterThan(0.25);
      expect(r.model.falseAlarmsPerAssetDay).toBeLessThan(0.2);
    }
  });
});

describe('automatic order selection', () => {
  it('picks one of the candidate orders on the warm-up history and records the scores', async () => {
    const cfg = small();
    const r = await chooseOrder(cfg, 1);
    expect(cfg.alpha.arima.candidateOrders).toContainEqual(r.order);
    expect(r.scores.map((x) => x.order)).toEqual(cfg.alpha.arima.candidateOrders);
    const best = Math.min(...r.scores.map((x) => x.mse));
    expect(r.scores.find((x) => x.order === r.order)!.mse).toBe(best);
  });
});

describe('coce train / eval / run with a model', () => {
  it('trains to a file, evaluates it, and a resumed run with the model ends like an uninterrupted one', async () => {
    const cwd = tmp();
    const cfgFile = join(cwd, 'small.yaml');
    writeFileSync(cfgFile, readFileSync(BASE_YAML, 'utf8').replace(/micro_caps: 80 /, 'micro_caps: 20 '));
    const train = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['train', '--days', '40', '--seed', '2', '--config', cfgFile], train)).toBe(0);
    expect(train.out()).toMatch(/data\/model\.json: pump model trained on seed 2, 40 days \(\d+ rows, \d+ positive; 22 features, inputs: candles, sentiment, marketCap\) in [\d.]+ s\nvalidation after a 48-bar purge \(\d+ pumps\): threshold /);
    const ev = memoryIo(cwd);
    expect(await main(['eval', '--model', 'data/model.json', '--days', '10', '--seed', '9', '--config', cfgFile, '--json', 'report.json'], ev)).toBe(0);
    expect(ev.out()).toContain('pump model');
    expect(ev.out()).toContain('kamps-kleinberg strict');
    expect(JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8'))).toMatchObject({ seed: 9, days: 10 });
    const same = memoryIo(cwd);
    await main(['eval', '--model', 'data/model.json', '--days', '10', '--seed', '2', '--config', cfgFile], same);
    expect(same.out()).toContain("note: seed 2 is the model's training seed");
    // eval builds features as the model file says, whatever today's config: same report with other rolling sums
    const other = join(cwd, 'other.yaml');
    writeFileSync(other, readFileSync(cfgFile, 'utf8').replace('rolling_sum_hours: [3, 6, 12]', 'rolling_sum_hours: [1, 2, 48]'));
    const ev2 = memoryIo(cwd);
    expect(await main(['eval', '--model', 'data/model.json', '--days', '10', '--seed', '9', '--config', other], ev2)).toBe(0);
    expect(ev2.out()).toBe(ev.out());

    const run = (args: string[], dir: string) => main(['run', '--config', cfgFile, '--state-dir', `${dir}/data`, '--log-dir', `${dir}/logs`, ...args], memoryIo(cwd, { LOG_LEVEL: 'warn' }));
    mkdirSync(join(cwd, 'x'));
    expect(await run(['--days', '2'], 'once')).toBe(0);
    expect(await run(['--days', '1'], 'twice')).toBe(0);
    expect(await run(['--days', '2'], 'twice')).toBe(0);
    const meta = (d: string) => readFileSync(join(cwd, d, 'logs', 'meta_events.jsonl'), 'utf8');
    expect(meta('twice')).toBe(meta('once'));
    expect(meta('once')).toContain('"type":"pump_alarm"');
    expect(readFileSync(join(cwd, 'twice', 'data', 'state.json'), 'utf8')).toBe(readFileSync(join(cwd, 'once', 'data', 'state.json'), 'utf8'));
  });
});
