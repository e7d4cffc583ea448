import type { FeatureRows } from '../alpha/feature-engine.js';

/**
 * Feature rows as typed arrays, for the back-test market's worker to post with each bar (a structured clone of a Map
 * of 300 arrays is read property by property on the engine's thread; typed arrays are copied whole). Rows keep their
 * order and every value bit for bit.
 */
export interface FeatureWire {
  /** The symbols the rows were made for (the tradable universe), as indices. */
  wanted: Int32Array;
  /** Symbol index of each row, in the map's order. */
  symbols: Int32Array;
  /** Row lengths (rows of one engine are all one length, but nothing here relies on it). */
  lengths: Int32Array;
  values: Float64Array;
}

export function packFeatures(rows: ReadonlyMap<string, readonly number[]>, index: ReadonlyMap<string, number>, wanted: readonly string[] = []): FeatureWire {
  const symbols = new Int32Array(rows.size);
  const lengths = new Int32Array(rows.size);
  let total = 0;
  for (const r of rows.values()) total += r.length;
  const values = new Float64Array(total);
  let k = 0;
  let at = 0;
  for (const [symbol, row] of rows) {
    const i = index.get(symbol);
    if (i === undefined) throw new Error(`packFeatures: ${symbol} is not in the symbol list`);
    symbols[k] = i;
    lengths[k++] = row.length;
    for (let j = 0; j < row.length; j++) values[at++] = row[j]!;
  }
  return { wanted: Int32Array.from(wanted, (s) => index.get(s) ?? -1), symbols, lengths, values };
}

/**
 * The rows of a wire, read as they are asked for: the alpha step reads the tradable assets' rows (~80 of 300), so
 * the others are never turned into arrays.
 */
export class FeatureWireRows implements FeatureRows {
  /** Per symbol index: where its row starts in the wire's values (-1: no row), and its length. */
  private readonly at: Int32Array;
  private readonly length: Int32Array;

  constructor(
    private readonly w: FeatureWire,
    private readonly index: ReadonlyMap<string, number>,
  ) {
    this.at = new Int32Array(index.size).fill(-1);
    this.length = new Int32Array(index.size);
    let offset = 0;
    for (let k = 0; k < w.symbols.length; k++) {
      this.at[w.symbols[k]!] = offset;
      this.length[w.symbols[k]!] = w.lengths[k]!;
      offset += w.lengths[k]!;
    }
  }

  has(symbol: string): boolean {
    const i = this.index.get(symbol);
    return i !== undefined && this.at[i]! >= 0;
  }

  get(symbol: string): number[] | undefined {
    const i = this.index.get(symbol);
    if (i === undefined || this.at[i]! < 0) return undefined;
    const row: number[] = [];
    for (let j = this.at[i]!, end = j + this.length[i]!; j < end; j++) row.push(this.w.values[j]!);
    return row;
  }
}
