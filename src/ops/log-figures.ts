import type { LogEvent } from '../state/jsonl-log.js';

/**
 * Figures the back-test summary and the weekly review both read off the logs, so the two always agree.
 */

/** Fees paid: spot fills (quote fees, and coin fees at the fill price) and option fills (coin fees at the index). */
export function feesPaidUsd(trades: readonly LogEvent[]): number {
  let usd = 0;
  for (const e of trades) {
    if (e.type === 'fill') usd += (e.feeUsd as number) + ((e.feeBaseQty as number | undefined) ?? 0) * (e.priceUsd as number);
    else if (e.type === 'option_fill') usd += (e.feeCoin as number) * (e.indexUsd as number);
  }
  return usd;
}

/** Guardrail trips per guardrail, by name. */
export function tripsByGuardrail(meta: readonly LogEvent[]): Record<string, number> {
  const trips: Record<string, number> = {};
  for (const t of meta) if (t.type === 'guardrail_trip') trips[t.guardrail as string] = (trips[t.guardrail as string] ?? 0) + 1;
  return Object.fromEntries(Object.entries(trips).sort());
}
