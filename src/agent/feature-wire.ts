/**
 * Feature rows as typed arrays, for the back-test market's worker to post with each bar (a structured clone of a Map
 * of 300 arrays is read property by property on the engine's thread; typed arrays are copied whole). Rows keep their
 * order and every value bit for bit.
 */
export interface FeatureWire {
  /** Symbol index of each row, in the map's order. */
  symbols: Int32Array;
  /** Row lengths (rows of one engine are all one length, but nothing here relies on it). */
  lengths: Int32Array;
  values: Float64Array;
}

export function packFeatures(rows: ReadonlyMap<string, readonly number[]>, index: ReadonlyMap<string, number>): FeatureWire {
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
  return { symbols, lengths, values };
}

export function unpackFeatures(w: FeatureWire, symbols: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let at = 0;
  for (let k = 0; k < w.symbols.length; k++) {
    const row: number[] = [];
    for (let j = w.lengths[k]!; j > 0; j--) row.push(w.values[at++]!);
    out.set(symbols[w.symbols[k]!]!, row);
  }
  return out;
}
