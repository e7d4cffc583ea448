import { scale, type Scaler } from './features.js';
import { LogisticModel, type LogisticJson } from './logistic-model.js';

/** The model file (`coce train` writes it, the engine and `coce eval` read it). */
export interface PumpModelFile {
  format: 'coce-pump-model/1';
  features: string[];
  scaler: Scaler;
  logistic: LogisticJson;
  threshold: number;
  horizonBars: number;
  arima: { order: [number, number, number]; windowBars: number; refitEveryBars: number };
  featureSettings: { rollingSumBars: number[]; sentimentChangeBars: number };
  training: { seed: number; days: number; barMs: number; trainCycles: [number, number]; purgeBars: number; validationCycles: [number, number]; rows: number; positives: number };
  metrics: Record<string, unknown>;
}

/** A trained pump model: standardise with the training scaler, then the logistic probability. */
export class PumpModel {
  private readonly logistic: LogisticModel;

  constructor(readonly file: PumpModelFile) {
    this.logistic = LogisticModel.fromJSON(file.logistic);
  }

  get threshold(): number {
    return this.file.threshold;
  }

  score(rows: readonly number[][]): number[] {
    return this.logistic.predictProba(rows.map((r) => scale(r, this.file.scaler)));
  }

  static parse(raw: unknown, label: string): PumpModel {
    const f = raw as Partial<PumpModelFile> | null;
    if (f === null || typeof f !== 'object' || f.format !== 'coce-pump-model/1' || !Array.isArray(f.features) || f.scaler === undefined || f.logistic === undefined) {
      throw new TypeError(`${label} is not a coce-pump-model/1 file`);
    }
    if (f.features.length !== f.scaler.mean.length || f.features.length !== f.logistic.coef.length) {
      throw new TypeError(`${label}: ${f.features.length} features but ${f.scaler.mean.length} scaler columns and ${f.logistic.coef.length} coefficients`);
    }
    return new PumpModel(f as PumpModelFile);
  }
}
