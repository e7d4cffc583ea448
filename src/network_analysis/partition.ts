/** Adjusted Rand index of two partitions of the same items (Hubert & Arabie 1985): 1 identical, ~0 chance. */
export function adjustedRandIndex(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): number {
  const items = Object.keys(a).filter((k) => k in b);
  const n = items.length;
  if (n < 2) return 1;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (const k of items) {
    const key = `${a[k]},${b[k]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[k]!, (rows.get(a[k]!) ?? 0) + 1);
    cols.set(b[k]!, (cols.get(b[k]!) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  let index = 0;
  for (const v of table.values()) index += c2(v);
  let sa = 0;
  let sb = 0;
  for (const v of rows.values()) sa += c2(v);
  for (const v of cols.values()) sb += c2(v);
  const expected = (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/**
 * Relabel `next` so its clusters keep the ids of the previous partition they overlap most (greedy on overlap, largest
 * first); clusters with no match get fresh ids above every id used before. Keeps cluster ids stable from one
 * rebalance to the next.
 */
export function matchClusterIds(next: Readonly<Record<string, number>>, prev: Readonly<Record<string, number>>): Record<string, number> {
  const overlap = new Map<string, number>();
  for (const [s, c] of Object.entries(next)) {
    const p = prev[s];
    if (p === undefined) continue;
    const key = `${c},${p}`;
    overlap.set(key, (overlap.get(key) ?? 0) + 1);
  }
  const pairs = [...overlap.entries()].map(([k, v]) => {
    const [c, p] = k.split(',').map(Number) as [number, number];
    return { c, p, v };
  });
  pairs.sort((x, y) => y.v - x.v || x.p - y.p || x.c - y.c);
  const map = new Map<number, number>();
  const used = new Set<number>();
  for (const { c, p } of pairs) {
    if (map.has(c) || used.has(p)) continue;
    map.set(c, p);
    used.add(p);
  }
  let fresh = Math.max(-1, ...Object.values(prev), ...used) + 1;
  const out: Record<string, number> = {};
  for (const s of Object.keys(next).sort()) {
    const c = next[s]!;
    if (!map.has(c)) map.set(c, fresh++);
    out[s] = map.get(c)!;
  }
  return out;
}
