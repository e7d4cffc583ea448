import { DataFileError } from '../../utils/errors.js';
import type { PumpEvent } from '../synthetic/pump-schedule.js';
import type { Candle } from './candle.js';

/** A listed pump: the coin, the exchange and the announcement time (the pump_telegram.csv layout). */
export interface ListedPump {
  symbol: string;
  exchange: string;
  announcedMs: number;
  line: number;
}

/** The rule that turns an announcement into a labelled event (written into the folder's meta.json). */
export const PUMP_RULE =
  'start = open of the bar holding the announcement; peak = the bar of the highest high among those opening in the first hour from the announcement; ' +
  'end = the first later bar, within 24 h of the start, closing at or below half-way between the pre-announcement close and the peak high (else the last bar within 24 h); ' +
  'magnitude = peak high / pre-announcement close - 1; accumulation unknown (= start); the same coin listed again within 2 h is one event';

const HOUR = 3_600_000;

/** Reads a pump list: `symbol,group,date,hour,exchange` with a header; a bad row is named with its line. */
export function readPumpList(text: string, file: string): ListedPump[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.split(',').map((h) => h.trim()) ?? [];
  const col = (name: string) => header.indexOf(name);
  if (col('symbol') < 0 || col('date') < 0 || col('hour') < 0) throw new DataFileError(`${file}:1: a pump list needs the columns symbol, date and hour (and exchange), got "${lines[0]?.slice(0, 80)}"`);
  const out: ListedPump[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const f = lines[i]!.split(',').map((x) => x.trim());
    const ms = Date.parse(`${f[col('date')]}T${f[col('hour')]}:00Z`);
    if (!Number.isFinite(ms) || !/^[A-Za-z0-9]+$/.test(f[col('symbol')] ?? '')) throw new DataFileError(`${file}:${i + 1}: not a pump (symbol, date YYYY-MM-DD, hour HH:MM): "${lines[i]!.slice(0, 80)}"`);
    out.push({ symbol: f[col('symbol')]!.toUpperCase(), exchange: col('exchange') < 0 ? '' : (f[col('exchange')] ?? '').toLowerCase(), announcedMs: ms, line: i + 1 });
  }
  return out;
}

/**
 * The labelled events of the listed pumps that fall on imported pairs and inside their data, by PUMP_RULE. Pure.
 * `bars` are each pair's cleaned candles. Pumps announced on another exchange, on pairs not imported, outside a
 * pair's data, or without a bar before them are left out (the caller reports how many).
 */
export function labelPumps(listed: readonly ListedPump[], exchange: string, bars: ReadonlyMap<string, readonly Candle[]>, barMs: number): PumpEvent[] {
  const chosen = listed.filter((p) => p.exchange === '' || p.exchange === exchange.toLowerCase()).sort((a, b) => a.announcedMs - b.announcedMs || (a.symbol < b.symbol ? -1 : 1));
  const events: PumpEvent[] = [];
  const lastOf = new Map<string, number>();
  for (const p of chosen) {
    const prev = lastOf.get(p.symbol);
    if (prev !== undefined && p.announcedMs - prev < 2 * HOUR) continue; // the same pump listed by several groups
    const candles = bars.get(p.symbol);
    if (candles === undefined || candles.length === 0) continue;
    const startMs = Math.floor(p.announcedMs / barMs) * barMs;
    const at = candles.findIndex((c) => c.openMs >= startMs);
    if (at <= 0 || candles[at]!.openMs !== startMs) continue; // no bar at the announcement, or none before it
    lastOf.set(p.symbol, p.announcedMs);
    const pre = candles[at - 1]!.close;
    let peak = at;
    for (let k = at; k < candles.length && candles[k]!.openMs < p.announcedMs + HOUR; k++) if (candles[k]!.high > candles[peak]!.high) peak = k;
    const peakHigh = candles[peak]!.high;
    let end = peak;
    for (let k = peak + 1; k < candles.length && candles[k]!.openMs < startMs + 24 * HOUR; k++) {
      end = k;
      if (candles[k]!.close <= pre + 0.5 * (peakHigh - pre)) break;
    }
    const before = candles.slice(0, at).filter((c) => c.openMs >= startMs - 24 * HOUR).map((c) => c.volumeQuote).sort((a, b) => a - b);
    const typical = before.length === 0 ? 0 : before[before.length >> 1]!;
    events.push({
      id: events.length + 1,
      symbol: p.symbol,
      accumulationStartMs: startMs,
      pumpStartMs: startMs,
      peakMs: candles[peak]!.openMs,
      endMs: candles[end]!.openMs,
      magnitude: peakHigh / pre - 1,
      dumpFraction: peakHigh > pre ? (peakHigh - candles[end]!.close) / (peakHigh - pre) : 0,
      volumeMultiple: typical > 0 ? candles[peak]!.volumeQuote / typical : 0,
      hypeStartMs: null,
    });
  }
  return events;
}
