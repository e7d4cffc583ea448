import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { modelLocation } from '../agent/alpha-setup.js';
import { evaluateFromConfig, trainFromConfig } from '../agent/pump-training.js';
import { formatReports } from '../alpha/evaluate.js';
import { formatInPumpReports } from '../alpha/in-pump.js';
import { timeframeOf } from '../data_ingest/recorded/market-files.js';
import { isModelText, readModelFile, writeModelFile } from '../alpha/model-file.js';
import { modelProblems } from '../alpha/model-validation.js';
import type { Config } from '../utils/config.js';
import { MAX_SEED } from '../utils/config-schema.js';
import { ModelError, UsageError } from '../utils/errors.js';
import { assertReplaceable, writeOutputFile } from '../utils/output-file.js';
import { configOption, dateArg, intArg, MAX_DAYS, noSleeveConfigOption, sleeveConfigOption, type ConfigFlags } from './options.js';
import { InvalidArgumentError } from 'commander';
import { MARKET_INPUTS, type MarketInput } from '../domain/market.js';

/** `none`, or optional inputs separated by commas (sentiment, marketCap, trades). */
const inputsArg = (v: string): Set<MarketInput> => {
  if (v.trim() === 'none') return new Set();
  const list = v.split(',').map((x) => x.trim());
  const bad = list.filter((x) => !(MARKET_INPUTS as readonly string[]).includes(x));
  if (bad.length > 0 || list.length === 0) throw new InvalidArgumentError(`must be none, or a comma list of ${MARKET_INPUTS.join(', ')}; got "${v}"`);
  return new Set(list as MarketInput[]);
};

const windowOf = (f: { from?: number; until?: number }) => ({ ...(f.from === undefined ? {} : { fromMs: f.from }), ...(f.until === undefined ? {} : { untilMs: f.until }) });

export interface ModelCommandContext {
  cwd: string;
  say: (s: string) => void;
  config: (f: ConfigFlags) => Config;
}

/** `coce train`: the pump model, walk-forward, on the synthetic market or a recorded folder's labelled pumps. */
export function registerTrain(program: Command, ctx: ModelCommandContext): void {
  program
    .command('train')
    .description('train the pump model walk-forward (synthetic market, or --data: a recorded folder and its pumps) and write the model file')
    .option('--days <n>', 'days to train on (default: 120 of the synthetic market, or all of --data)', intArg(10, '--days', MAX_DAYS))
    .option('--seed <n>', 'market seed (synthetic market)', intArg(0, '--seed', MAX_SEED), 1)
    .option('--data <dir>', 'a recorded folder with labelled pumps (coce data import --pumps); features use only the inputs it has')
    .option('--until <date>', 'with --data: train on bars opening before this date only (a time split; score the rest with eval --from)', dateArg)
    .option('--inputs <list>', 'optional inputs the features may use, of those the data has: none (candles only) or sentiment,marketCap,trades (default: all it has)', inputsArg)
    .option('--out <file>', 'model file to write (default: alpha.model_path, else data/model.json)')
    .addOption(configOption())
    .addOption(sleeveConfigOption())
    .addOption(noSleeveConfigOption())
    .action(async (f: { days?: number; seed: number; data?: string; until?: number; inputs?: Set<MarketInput>; out?: string } & ConfigFlags) => {
      const cfg = ctx.config(f);
      const out = f.out === undefined ? modelLocation(cfg, ctx.cwd).file : resolve(ctx.cwd, f.out);
      const dataDir = f.data === undefined ? undefined : resolve(ctx.cwd, f.data);
      const days = f.days ?? (dataDir === undefined ? 120 : undefined);
      const t0 = performance.now();
      // an existing file at --out is replaced only when it is a model file (checked before the training, not after)
      assertReplaceable(out, 'pump model', isModelText);
      if (f.until !== undefined && dataDir === undefined) throw new UsageError('--until splits a recorded folder: it goes with --data');
      const model = await trainFromConfig(cfg, f.seed, days, dataDir, { window: windowOf(f), ...(f.inputs === undefined ? {} : { inputs: f.inputs }) });
      const on = dataDir === undefined ? `seed ${f.seed}, ${days} days` : `${dataDir}, ${+model.training.days.toFixed(2)} days`;
      const c = cfg.alpha.classifier;
      const problems = modelProblems(model, { minValidationPumps: c.minValidationPumps, minValidationRocAuc: c.minValidationRocAuc });
      if (problems.length > 0) {
        throw new ModelError(`the model trained on ${on} does not pass validation, so ${out} was not written${existsSync(out) ? ' (the model there is kept)' : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      }
      writeModelFile(out, model);
      const v = model.metrics.validation as { precision: number; recall: number; f1: number; rocAuc: number; prAuc: number; threshold: number; precisionTargetMet: boolean; falseAlarmsPerAssetDay: number; falseAlarmBudgetMet: boolean; pumps: number };
      ctx.say(
        [
          `${out}: pump model trained on ${on} (${model.training.rows} rows, ${model.training.positives} positive; ${model.features.length} features, inputs: ${model.inputs.length === 0 ? 'candles only' : ['candles', ...model.inputs].join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
          `validation after a ${model.training.purgeBars}-bar purge (${v.pumps} pumps): threshold ${v.threshold.toFixed(4)}, precision ${(100 * v.precision).toFixed(1)} %, recall ${(100 * v.recall).toFixed(1)} %, F1 ${(100 * v.f1).toFixed(1)} %, ROC-AUC ${v.rocAuc.toFixed(3)}, PR-AUC ${v.prAuc.toFixed(3)}, ${v.falseAlarmsPerAssetDay.toFixed(3)} false alarms per asset-day`,
          ...(v.precisionTargetMet ? [] : [`note: no threshold${c.maxFalseAlarmsPerAssetDay === null ? '' : ` within ${c.maxFalseAlarmsPerAssetDay} false alarms per asset-day`} reached the precision target ${c.precisionTarget}; the best-F1 threshold${c.maxFalseAlarmsPerAssetDay === null ? '' : ' within that budget'} is used`]),
          ...(v.falseAlarmBudgetMet ? [] : [`note: even the highest score raises more than ${c.maxFalseAlarmsPerAssetDay} false alarms per asset-day on validation; the threshold is that score`]),
        ].join('\n'),
      );
    });
}

/** `coce eval`: a model and the Kamps & Kleinberg baselines on an unseen synthetic market, or a recorded folder. */
export function registerEval(program: Command, ctx: ModelCommandContext): void {
  program
    .command('eval')
    .description('evaluate a model file and the Kamps & Kleinberg baselines on an unseen synthetic market, or on --data')
    .requiredOption('--model <file>', 'model file written by coce train')
    .option('--days <n>', 'days to score (default: 60 of the synthetic market, or all of --data)', intArg(10, '--days', MAX_DAYS))
    .option('--seed <n>', 'market seed (use one the model was not trained on)', intArg(0, '--seed', MAX_SEED), 101)
    .option('--data <dir>', 'a recorded folder with labelled pumps (its events are the ground truth)')
    .option('--from <date>', 'with --data: score bars opening from this date only (the later side of a time split)', dateArg)
    .option('--until <date>', 'with --data: score bars opening before this date only', dateArg)
    .option('--json <file>', 'also write the report as JSON')
    .addOption(configOption())
    .addOption(sleeveConfigOption())
    .addOption(noSleeveConfigOption())
    .action(async (f: { model: string; days?: number; seed: number; data?: string; from?: number; until?: number; json?: string } & ConfigFlags) => {
      const cfg = ctx.config(f);
      const modelPath = resolve(ctx.cwd, f.model);
      const model = readModelFile(modelPath);
      const dataDir = f.data === undefined ? undefined : resolve(ctx.cwd, f.data);
      if (dataDir === undefined && model.file.training.seed === f.seed && model.file.training.data === undefined) ctx.say(`note: seed ${f.seed} is the model's training seed; use an unseen seed for an honest score`);
      if (dataDir !== undefined && f.from === undefined && model.file.training.data === dataDir) ctx.say(`note: ${dataDir} is the model's training data; its later part was its validation, the rest it was fitted on`);
      if ((f.from !== undefined || f.until !== undefined) && dataDir === undefined) throw new UsageError('--from and --until split a recorded folder: they go with --data');
      const r = await evaluateFromConfig(model, cfg, f.seed, f.days ?? (dataDir === undefined ? 60 : undefined), modelPath, dataDir, windowOf(f));
      const on = dataDir === undefined ? `seed ${r.seed}` : dataDir;
      ctx.say(`${on}, ${+r.days.toFixed(2)} days: ${r.rows} asset-bars, ${r.events} pumps; positives = bars from ${model.file.horizonBars} bars before a pump's start to its peak\n${formatReports([r.model, ...r.baselines])}\n\n${formatInPumpReports(r.inPump, timeframeOf(model.file.training.barMs))}`);
      if (f.json) writeOutputFile(resolve(ctx.cwd, f.json), JSON.stringify(r, null, 2) + '\n', 'evaluation report', (t) => t.startsWith('{\n  "seed":') && t.includes('"baselines"'));
    });
}
