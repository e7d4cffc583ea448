import type { ReturnHistory } from '../return-history.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

/** Records every clean bar's return (right after the data-quality gate) for clusters and covariances. */
export class HistoryStep implements CycleStep {
  readonly name = 'history';

  constructor(private readonly history: ReturnHistory) {}

  run(ctx: CycleContext): void {
    this.history.update(ctx.snapshot);
  }
}
