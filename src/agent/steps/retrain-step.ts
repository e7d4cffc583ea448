import { join } from 'node:path';
import { writeModelFile } from '../../alpha/model-file.js';
import type { Config } from '../../utils/config.js';
import { retrainPumpModel, type RetrainSource } from '../retrain.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';
import type { AlphaStep } from './alpha-step.js';

export interface RetrainStepSettings {
  cfg: Config;
  barMs: number;
  /** The run's seed (recorded in the model file). */
  seed: number;
  firstCycle: number;
  /** Retrain at the close of every this many bars since the run's first. */
  everyBars: number;
  /** Retrained models are written under <stateDir>/models/, named by their cycle. */
  stateDir: string;
}

/**
 * Retraining in the daemon (alpha.classifier.retrain_every_days): the last step of every `everyBars`-th cycle
 * retrains the pump model on what the run has seen up to that bar's close (retrain.ts), so the next cycle scores
 * with it. A model that passes validation is written under the state folder, recorded in state (`retrainedModel`,
 * versions.model: a restart goes on with it) and announced as a `model_retrained` meta event; one that fails is a
 * `retrain_rejected` event and the model in use is kept.
 */
export class RetrainStep implements CycleStep {
  readonly name = 'retrain';

  constructor(
    private readonly alpha: AlphaStep,
    private readonly source: RetrainSource,
    private readonly s: RetrainStepSettings,
  ) {}

  async run(ctx: CycleContext): Promise<void> {
    if ((ctx.cycle - this.s.firstCycle + 1) % this.s.everyBars !== 0) return;
    const previous = ctx.state.versions.model;
    const r = await retrainPumpModel(this.s.cfg, this.alpha.model, this.source, ctx.cycle, this.s.barMs, this.s.seed);
    if ('rejected' in r) {
      ctx.emit('meta', 'retrain_rejected', { reasons: r.rejected, kept: previous });
      return;
    }
    const file = join('models', `model-c${ctx.cycle}.json`);
    writeModelFile(join(this.s.stateDir, file), r.file);
    this.alpha.model = r.model;
    ctx.state.retrainedModel = { cycle: ctx.cycle, file, version: r.hash };
    ctx.state.versions.model = r.hash;
    const v = r.file.metrics.validation as Record<string, unknown>;
    ctx.emit('meta', 'model_retrained', { version: r.hash, previous, file, trainCycles: r.file.training.trainCycles, validationCycles: r.file.training.validationCycles, threshold: r.file.threshold, rocAuc: v.rocAuc, f1: v.f1, pumps: v.pumps });
  }
}
