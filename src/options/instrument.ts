import type { OptionType } from './black-scholes.js';

/** A Deribit option: `BTC-27DEC24-100000-C` is a BTC call, strike 100 000 USD, expiring 27 Dec 2024 at 08:00 UTC. */
export interface OptionInstrument {
  name: string;
  underlying: string;
  expiryMs: number;
  strike: number;
  type: OptionType;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** Deribit options expire at 08:00 UTC. */
export const EXPIRY_HOUR_UTC = 8;

/** Deribit's date code: day without a leading zero, month, two-digit year (5JAN24, 27DEC24). */
export function expiryCode(expiryMs: number): string {
  const d = new Date(expiryMs);
  return `${d.getUTCDate()}${MONTHS[d.getUTCMonth()]}${String(d.getUTCFullYear() % 100).padStart(2, '0')}`;
}

export function instrumentName(underlying: string, expiryMs: number, strike: number, type: OptionType): string {
  return `${underlying}-${expiryCode(expiryMs)}-${strike}-${type === 'call' ? 'C' : 'P'}`;
}

/** Parses a Deribit option name; throws, naming it, when it is not one. */
export function parseInstrument(name: string): OptionInstrument {
  const m = /^([A-Z]+)-(\d{1,2})([A-Z]{3})(\d{2})-(\d+(?:d\d+)?)-([CP])$/.exec(name);
  const month = m === null ? -1 : MONTHS.indexOf(m[3]!);
  if (m === null || month < 0) throw new RangeError(`not a Deribit option name: ${JSON.stringify(name)} (expected e.g. BTC-27DEC24-100000-C)`);
  const expiryMs = Date.UTC(2000 + Number(m[4]), month, Number(m[2]), EXPIRY_HOUR_UTC);
  if (new Date(expiryMs).getUTCDate() !== Number(m[2])) throw new RangeError(`not a Deribit option name: ${JSON.stringify(name)} (no such day)`);
  return { name, underlying: m[1]!, expiryMs, strike: Number(m[5]!.replace('d', '.')), type: m[6] === 'C' ? 'call' : 'put' };
}

/** Fridays at 08:00 UTC after `fromMs` (Deribit's weekly, monthly and quarterly expiries all fall on Fridays). */
export function fridayExpiries(fromMs: number, untilMs: number): number[] {
  const out: number[] = [];
  const d = new Date(fromMs);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), EXPIRY_HOUR_UTC);
  while (new Date(t).getUTCDay() !== 5 || t <= fromMs) t += 86_400_000;
  for (; t <= untilMs; t += 7 * 86_400_000) out.push(t);
  return out;
}
