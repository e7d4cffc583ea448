import type { PumpModelFile } from './pump-model.js';

export interface ModelValidationRules {
  /** Pumps that must start inside the validation window for its figures to mean anything. */
  minValidationPumps: number;
  /** Ranking skill the model must show on validation (0.5 is a coin). */
  minValidationRocAuc: number;
}

/** The validation figures `trainPumpModel` records (metrics.validation). */
interface ValidationFigures {
  threshold: number;
  f1: number;
  rocAuc: number;
  pumps?: number;
  positives: number;
}

/**
 * Why a freshly trained model must not be used, one reason per broken rule ([] when it passes): too few pumps in the
 * validation window to judge it, too little ranking skill there, or no alarm threshold that catches a pump. A
 * refused model never replaces the one in use (`coce train`, and retraining in the daemon). Pure.
 */
export function modelProblems(file: PumpModelFile, r: ModelValidationRules): string[] {
  const v = file.metrics.validation as ValidationFigures;
  const problems: string[] = [];
  const pumps = v.pumps ?? 0;
  if (pumps < r.minValidationPumps) problems.push(`${pumps} pumps start in the validation window (${v.positives} positive rows); at least ${r.minValidationPumps} are needed to judge the model (alpha.classifier.min_validation_pumps): train on more days`);
  if (!Number.isFinite(v.rocAuc)) problems.push('validation ROC-AUC is undefined (no positive or no negative rows in the validation window)');
  else if (v.rocAuc < r.minValidationRocAuc) problems.push(`validation ROC-AUC ${v.rocAuc.toFixed(3)} is below ${r.minValidationRocAuc} (alpha.classifier.min_validation_roc_auc)`);
  if (!(v.threshold > 0 && v.threshold < 1) || !(v.f1 > 0)) problems.push(`no alarm threshold catches a pump on validation (threshold ${v.threshold}, F1 ${(100 * v.f1).toFixed(1)} %)`);
  return problems;
}
