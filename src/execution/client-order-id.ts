/**
 * Deterministic client order ids, `<prefix>-<cycle>-<symbol>-<leg>` (DESIGN.md): the same cycle, asset and leg
 * always give the same id, so a retried request or a replayed cycle finds its own order instead of placing another.
 * Legs are `b1`..`bN` / `s1`..`sN` (side and slice), `t1` a take-profit resting on the venue. Binance accepts at most 36 characters of [.A-Z:/a-z0-9_-].
 */
const ALLOWED = /^[.A-Za-z:/0-9_-]{1,36}$/;

export function clientOrderId(prefix: string, cycle: number, symbol: string, leg: string): string {
  const id = `${prefix}-${cycle}-${symbol}-${leg}`;
  if (!ALLOWED.test(id)) throw new RangeError(`client order id ${JSON.stringify(id)} is not valid on exchanges (36 chars of [.A-Za-z:/0-9_-] at most)`);
  return id;
}

export interface ParsedClientOrderId {
  prefix: string;
  cycle: number;
  symbol: string;
  leg: string;
}

/** The parts of one of our ids; null for an id COCE did not make (another bot's, or a manual order). */
export function parseClientOrderId(id: string, prefix: string): ParsedClientOrderId | null {
  const m = new RegExp(`^${prefix}-(\\d+)-(.+)-([bst]\\d+)$`).exec(id);
  if (m === null) return null;
  return { prefix, cycle: Number(m[1]), symbol: m[2]!, leg: m[3]! };
}
