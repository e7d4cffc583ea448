import { z } from 'zod';
import type { MarketInput } from '../domain/market.js';
import { inPumpScorer, type InPumpDetectorFile } from './in-pump.js';
import { featureNames, FULL_INPUTS, inputOf, scale, type Scaler } from './features.js';
import { LogisticModel, type LogisticJson } from './logistic-model.js';

const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });
const fileSchema = z.looseObject({
  format: z.literal('coce-pump-model/1'),
  features: z.array(z.string()).min(1),
  inputs: z.array(z.enum(['sentiment', 'marketCap', 'trades'])).optional(),
  scaler: z.strictObject({ mean: z.array(finite), sd: z.array(finite.refine((v) => v > 0, { error: 'must be > 0' })) }),
  logistic: z.looseObject({ kind: z.literal('coce-logistic/1'), intercept: finite, coef: z.array(finite), l2: finite }),
  threshold: z.number().gt(0).lt(1),
  horizonBars: z.number().int().positive(),
  arima: z.strictObject({ order: z.tuple([z.number().int().min(0), z.number().int().min(0), z.number().int().min(0)]), windowBars: z.number().int().positive(), refitEveryBars: z.number().int().positive() }),
  featureSettings: z.strictObject({ rollingSumBars: z.array(z.number().int().positive()).min(1), sentimentChangeBars: z.number().int().positive() }),
  training: z.looseObject({ seed: z.number().int(), days: z.number().positive(), barMs: z.number().int().positive() }),
  metrics: z.record(z.string(), z.unknown()),
  inPump: z
    .strictObject({
      features: z.array(z.string()).min(1),
      scaler: z.strictObject({ mean: z.array(finite), sd: z.array(finite) }),
      logistic: z.looseObject({ kind: z.literal('coce-logistic/1'), intercept: finite, coef: z.array(finite), l2: finite }),
      threshold: z.number().gt(0).lt(1),
    })
    .optional(),
});

/** The model file (`coce train` writes it, the engine and `coce eval` read it). */
export interface PumpModelFile {
  format: 'coce-pump-model/1';
  features: string[];
  /** Optional inputs the features need (sentiment, market caps, trade statistics): a source without one cannot run it. */
  inputs: MarketInput[];
  scaler: Scaler;
  logistic: LogisticJson;
  threshold: number;
  horizonBars: number;
  arima: { order: [number, number, number]; windowBars: number; refitEveryBars: number };
  featureSettings: { rollingSumBars: number[]; sentimentChangeBars: number };
  training: { seed: number; days: number; barMs: number; trainCycles: [number, number]; purgeBars: number; validationCycles: [number, number]; rows: number; positives: number; data?: string };
  metrics: Record<string, unknown>;
  /** The companion detector of pump starts (in-pump.ts), fitted with the model; absent in older files. */
  inPump?: InPumpDetectorFile;
}

/** A trained pump model: standardise with the training scaler, then the logistic probability. */
export class PumpModel {
  private readonly logistic: LogisticModel;
  private inPump: ((rows: readonly number[][]) => number[]) | undefined;

  constructor(readonly file: PumpModelFile) {
    this.logistic = LogisticModel.fromJSON(file.logistic);
  }

  get threshold(): number {
    return this.file.threshold;
  }

  score(rows: readonly number[][]): number[] {
    return this.logistic.predictProba(rows.map((r) => scale(r, this.file.scaler)));
  }

  /** The in-pump detector's probabilities for the same rows (null for a model trained without one). */
  scoreInPump(rows: readonly number[][]): number[] | null {
    if (this.file.inPump === undefined) return null;
    this.inPump ??= inPumpScorer(this.file.inPump, this.file.features);
    return this.inPump(rows);
  }

  /** Validates a parsed model file completely (shape, finite numbers, consistent lengths and feature names). */
  static parse(raw: unknown, label: string): PumpModel {
    if ((raw as { format?: unknown } | null)?.format !== 'coce-pump-model/1') throw new TypeError(`${label} is not a coce-pump-model/1 file`);
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new TypeError(`${label}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    }
    const f = parsed.data as unknown as PumpModelFile;
    // files from before the inputs list were trained on the synthetic market's (sentiment and market caps)
    if (parsed.data.inputs === undefined) f.inputs = [...FULL_INPUTS].filter((i) => f.features.some((n) => inputOf(n) === i));
    const d = f.features.length;
    if (f.scaler.mean.length !== d || f.scaler.sd.length !== d || f.logistic.coef.length !== d) {
      throw new TypeError(`${label}: ${d} features but ${f.scaler.mean.length}/${f.scaler.sd.length} scaler columns and ${f.logistic.coef.length} coefficients`);
    }
    const expected = featureNames(f.featureSettings.rollingSumBars, new Set(f.inputs));
    if (expected.join(',') !== f.features.join(',')) throw new TypeError(`${label}: its feature list does not match its feature settings`);
    const unknown = f.inPump?.features.find((n) => !f.features.includes(n));
    if (unknown !== undefined) throw new TypeError(`${label}: inPump.features names ${unknown}, which is not one of the model's features`);
    if (f.inPump !== undefined && (f.inPump.scaler.mean.length !== f.inPump.features.length || f.inPump.logistic.coef.length !== f.inPump.features.length)) {
      throw new TypeError(`${label}: inPump has ${f.inPump.features.length} features but ${f.inPump.scaler.mean.length} scaler columns and ${f.inPump.logistic.coef.length} coefficients`);
    }
    return new PumpModel(f);
  }
}
