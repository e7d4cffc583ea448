import type { Config } from '../utils/config.js';
import { barMsOf } from '../utils/time.js';

/** The pump model's spans in bars of the run's bar size. */
export interface AlphaBars {
  windowBars: number;
  refitEveryBars: number;
  rollingSumBars: number[];
  sentimentChangeBars: number;
  horizonBars: number;
  purgeBars: number;
}

/** A span the config gives in hours, in bars of the run's bar size (rounded). */
export const hoursToBars = (cfg: Config, hours: number): number => Math.round(hours * (3_600_000 / barMsOf(cfg.schedule.barInterval)));

/**
 * The config gives the pump model's windows, horizon and purge in hours so that they mean the same span at every bar
 * size (a 6 h horizon is 6 bars at 1h, 72 at 5m); the model file keeps them in its own bars, with its bar size.
 */
export function alphaBars(cfg: Config): AlphaBars {
  const a = cfg.alpha;
  const b = (h: number) => hoursToBars(cfg, h);
  return {
    windowBars: b(a.arima.windowHours),
    refitEveryBars: b(a.arima.refitEveryHours),
    rollingSumBars: a.features.rollingSumHours.map(b),
    sentimentChangeBars: b(a.features.sentimentChangeHours),
    horizonBars: b(a.classifier.horizonHours),
    purgeBars: b(a.classifier.purgeHours),
  };
}
