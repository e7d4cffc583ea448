import { qualityGate, type QualityRules } from '../../data_ingest/quality-gate.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

/** Runs the data-quality gate first in every cycle: later steps see only bars that passed. */
export class DataQualityStep implements CycleStep {
  readonly name = 'data-quality';

  constructor(private readonly rules: QualityRules) {}

  run(ctx: CycleContext): void {
    const r = qualityGate(ctx.snapshot, ctx.state.assetMemory, this.rules);
    ctx.snapshot = r.clean;
    ctx.rejected = r.rejected;
    ctx.state.assetMemory = r.memory;
    if (r.rejected.length > 0) ctx.emit('meta', 'data_rejected', { rejected: r.rejected });
  }
}
