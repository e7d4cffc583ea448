/**
 * The Kamps & Kleinberg (2018) pump detector, the baseline the pump model is compared with: on 1-hour candles, a
 * candle is flagged when its volume exceeds `volumeMultiple` x the rolling mean volume AND its high exceeds
 * `priceMultiple` x the rolling mean close, both over the last `windowBars` candles including the current one (as
 * in the public copies of the authors' code). Pure, per asset.
 *
 * The three settings mirror the paper's recall-oriented ("Initial"), balanced and precision-oriented ("Strict")
 * configurations. The exact numbers La Morgia et al. (2020) ran could not be verified offline; these are the values
 * found in public copies of the authors' code (24 h / 12 h windows, volume 3-5x, price +5-10 %).
 */
export interface KkSetting {
  name: 'initial' | 'balanced' | 'strict';
  windowBars: number;
  volumeMultiple: number;
  priceMultiple: number;
}

export const KK_SETTINGS: readonly KkSetting[] = [
  { name: 'initial', windowBars: 24, volumeMultiple: 3, priceMultiple: 1.05 },
  { name: 'balanced', windowBars: 12, volumeMultiple: 4, priceMultiple: 1.05 },
  { name: 'strict', windowBars: 12, volumeMultiple: 5, priceMultiple: 1.1 },
];

/**
 * Flags per candle for one asset's series (oldest first), and a continuous score for the AUCs: the smaller of
 * (volume / mean volume) / volumeMultiple and (high / mean close) / priceMultiple; a flag is score > 1.
 */
export function kampsKleinbergFlags(high: readonly number[], close: readonly number[], volume: readonly number[], s: KkSetting): { flags: boolean[]; scores: number[] } {
  const out: boolean[] = [];
  const scores: number[] = [];
  let sumV = 0;
  let sumC = 0;
  for (let i = 0; i < close.length; i++) {
    sumV += volume[i]!;
    sumC += close[i]!;
    if (i >= s.windowBars) {
      sumV -= volume[i - s.windowBars]!;
      sumC -= close[i - s.windowBars]!;
    }
    const n = Math.min(i + 1, s.windowBars);
    const warm = i + 1 >= s.windowBars;
    const score = warm ? Math.min(volume[i]! / (s.volumeMultiple * (sumV / n)), high[i]! / (s.priceMultiple * (sumC / n))) : 0;
    scores.push(score);
    out.push(warm && volume[i]! > s.volumeMultiple * (sumV / n) && high[i]! > s.priceMultiple * (sumC / n));
  }
  return { flags: out, scores };
}
