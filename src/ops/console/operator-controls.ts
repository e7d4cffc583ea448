/** Why a halt is lifted must be said, in at least this many characters (`coce resume --reason`, console, Telegram). */
export const MIN_REASON_CHARS = 3;

/** An asset a control may name: a ticker, nothing a log line or a page could mistake for markup. */
export const ASSET_PATTERN = /^[A-Za-z0-9._-]{1,20}$/;

/** What an operator can ask of the running engine (console or Telegram); applied at the next cycle. */
export type ControlKind = 'pause_entries' | 'resume_entries' | 'flatten' | 'lift_halt';

export interface ControlRequest {
  /** Unique per request: the meta event carries it, so one request is one event. */
  id: string;
  kind: ControlKind;
  /** flatten: the asset, or null for every position. */
  symbol?: string | null;
  /** lift_halt: why (logged, as `coce resume --reason`). */
  reason?: string;
  /** Who asked: `console <session prefix> from <address>`, `telegram chat <id>`. */
  by: string;
}

/** Requests waiting for the next cycle, in arrival order; the operator step takes them all at once. */
export class ControlQueue {
  private pending: ControlRequest[] = [];

  push(r: ControlRequest): void {
    this.pending.push(r);
  }

  drain(): ControlRequest[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  get size(): number {
    return this.pending.length;
  }
}
