import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

let gc: (() => void) | null = null;

/**
 * gc() as this thread can have it. Node exposes it only behind --expose-gc, which a CLI cannot ask of its users: the
 * flag is set at run time and gc() taken from a fresh context (the documented way of V8's flags API). V8's flags are
 * process-wide and not safe to change while other threads run, so only the main thread sets it, before it starts
 * threads (`enableGc`); a thread started after it finds gc() on its global. A no-op where none is to be had.
 */
function findGc(): () => void {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as () => void;
  if (!isMainThread) return () => undefined;
  setFlagsFromString('--expose-gc');
  const fn: unknown = runInNewContext('typeof gc === "function" ? gc : null');
  return typeof fn === 'function' ? (fn as () => void) : () => undefined;
}

/** Makes gc() available to the threads this thread starts from now on (call before starting them). */
export function enableGc(): void {
  gc ??= findGc();
}

/**
 * One full garbage collection, now. For the end of a start-up that built large short-lived data (the warm-up
 * history: ~130 MB live at 300 assets): V8 sizes its next old-generation limit from the live heap it last saw, so
 * without this the heap grew to ~370 MB of dead warm-up data before its next full collection and the process peaked
 * at ~600 MB RSS; collected here, it stays near its working set (measured; issue 16).
 */
export function collectGarbage(): void {
  gc ??= findGc();
  gc();
}
