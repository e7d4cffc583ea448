/**
 * A deep copy of plain data (what state.json holds: objects, arrays, numbers, strings, booleans, null; also undefined,
 * NaN and infinities, kept as they are). The engine copies its state every cycle so a failed step leaves the last
 * completed state intact; structuredClone, which serialises, took 0.39 ms a cycle on a 300-asset book (3 % of a
 * back-test), a walk over the plain values about a third of that. Anything else (a Map, a Date, a class instance,
 * a cycle) is a programming error here and throws rather than being copied wrongly.
 */
export function cloneData<T>(value: T): T {
  return copy(value, 0) as T;
}

const MAX_DEPTH = 64;

function copy(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') throw new TypeError(`cloneData: a ${typeof v} is not plain data`);
    return v;
  }
  if (depth > MAX_DEPTH) throw new TypeError(`cloneData: nested deeper than ${MAX_DEPTH} (a cycle?)`);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i], depth + 1);
    return out;
  }
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`cloneData: a ${(v).constructor?.name ?? 'non-plain object'} is not plain data`);
  const out: Record<string, unknown> = {};
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) out[keys[i]!] = copy((v as Record<string, unknown>)[keys[i]!], depth + 1);
  return out;
}
