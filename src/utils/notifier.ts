import type { Logger } from './logger.js';

/** Something an operator should hear about: audits, halts, resumes, reconciliation problems. */
export interface Notification {
  /** The meta event's type (`halt`, `weekly_audit`...). */
  type: string;
  severity: 'info' | 'warning' | 'critical';
  cycle: number;
  /** One line for a chat message. */
  text: string;
  fields: Record<string, unknown>;
}

/**
 * Where notifications go. Implementations must never block or fail the cycle: they queue and deliver on their own
 * (Slack and Sentry adapters arrive with the operations work; the default writes to the log).
 */
export interface Notifier {
  notify(n: Notification): void;
}

/** The always-on notifier: one log line per notification (warn for halts and mismatches). */
export class LogNotifier implements Notifier {
  constructor(private readonly log: Logger) {}
  notify(n: Notification): void {
    this.log[n.severity === 'info' ? 'info' : 'warn']({ notification: n.type, cycle: n.cycle, ...n.fields }, n.text);
  }
}

type Fields = Record<string, unknown>;
const pct = (x: unknown, digits = 2) => Number(x).toFixed(digits);

/** Meta events worth a notification: their severity and one line of text. Guardrail trips and allocations are too frequent. */
const NOTIFY: Record<string, { severity: Notification['severity']; text?: (cycle: number, f: Fields) => string }> = {
  daily_audit: { severity: 'info' },
  weekly_audit: { severity: 'info' },
  halt: { severity: 'critical', text: (c, f) => `COCE halted trading at cycle ${c}: ${String(f.reason)}` },
  resume: { severity: 'warning', text: (c, f) => `COCE trading resumed after cycle ${c}: ${String(f.reason)}` },
  reconcile_mismatch: { severity: 'critical', text: (_c, f) => `COCE state and venue differ by ${pct(f.mismatchUsd)} USD: trading halted` },
  drawdown_level: { severity: 'warning', text: (_c, f) => `COCE drawdown ${pct(f.drawdownPct)} % (level ${pct(100 * Number(f.from), 0)} % -> ${pct(100 * Number(f.to), 0)} %)` },
  daily_summary: {
    severity: 'info',
    text: (_c, f) => `COCE daily: NAV ${pct(f.navUsd)} USD (${pct(f.dayReturnPct)} % on the day), drawdown ${pct(f.drawdownPct)} %, ${String(f.positions)} positions, kill-switch ${String(f.killSwitch)}`,
  },
  universe_empty: {
    severity: 'warning',
    text: (c, f) => {
      const why = Object.entries((f.excludedByRule ?? {}) as Record<string, number>).map(([rule, n]) => `${n} by ${rule}`);
      return `COCE universe is empty at cycle ${c}: no micro-cap passes the filters (${why.join('; ') || `${String(f.candidates)} candidates`}); nothing is traded`;
    },
  },
};

/** Audits: the verdict and its reasons. */
const auditText = (type: string, c: number, f: Fields) =>
  `COCE ${type.replace('_', ' ')} at cycle ${c}: ${String(f.verdict)}${Array.isArray(f.reasons) && f.reasons.length > 0 ? ` (${f.reasons.join('; ')})` : ''}`;

/** The notification for a meta event, or null when the event is not one to notify. */
export function notificationOf(e: { type: string; cycle: number; [k: string]: unknown }): Notification | null {
  const n = NOTIFY[e.type];
  if (n === undefined) return null;
  const { ts: _ts, type, cycle, ...fields } = e;
  return { type, severity: n.severity, cycle, text: n.text?.(cycle, fields) ?? auditText(type, cycle, fields), fields };
}
