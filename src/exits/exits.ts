import { EXIT_REASONS } from '../domain/trade.js';
import type { ExitBar, ExitRule, ExitSignal, HeldPosition } from './exit-rule.js';

/**
 * The order the rules are asked in: the first that fires closes the position. Loss protection first, then the gain
 * targets, then the clock.
 */
export const EXIT_ORDER = EXIT_REASONS;

/** The first rule (in EXIT_ORDER) that closes `p` at this bar, or null. */
export function firstExit(rules: readonly ExitRule[], p: HeldPosition, bar: ExitBar): ExitSignal | null {
  const ordered = [...rules].sort((a, b) => EXIT_ORDER.indexOf(a.reason) - EXIT_ORDER.indexOf(b.reason));
  for (const r of ordered) {
    const s = r.check(p, bar);
    if (s !== null) return s;
  }
  return null;
}

/** The high-water close after this bar. */
export const nextHighWater = (p: HeldPosition, bar: ExitBar): number => Math.max(p.highWaterUsd, bar.closeUsd);
