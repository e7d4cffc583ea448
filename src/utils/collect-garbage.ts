import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

/**
 * One full garbage collection, now. For the end of a start-up that built large short-lived data (the warm-up
 * history: ~130 MB live at 300 assets): V8 sizes its next old-generation limit from the live heap it last saw, so
 * without this the heap grew to ~370 MB of dead warm-up data before its next full collection and the process peaked
 * at ~600 MB RSS; collected here, it stays near its working set (measured; issue 16). Node exposes gc() only behind
 * --expose-gc, which a CLI cannot ask of its users: the flag is set at run time and gc() taken from a fresh context
 * (the documented way of V8's flags API); a no-op where that is refused.
 */
export function collectGarbage(): void {
  if (gc === null) {
    setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('typeof gc === "function" ? gc : null');
    gc = typeof fn === 'function' ? (fn as () => void) : () => undefined;
  }
  gc();
}
