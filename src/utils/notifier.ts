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

/** Meta events worth a notification, with their severity. Guardrail trips and allocations are too frequent. */
const NOTIFY: Record<string, Notification['severity']> = {
  daily_audit: 'info',
  weekly_audit: 'info',
  halt: 'critical',
  resume: 'warning',
  reconcile_mismatch: 'critical',
  drawdown_level: 'warning',
  daily_summary: 'info',
};

/** The notification for a meta event, or null when the event is not one to notify. */
export function notificationOf(e: { type: string; cycle: number; [k: string]: unknown }): Notification | null {
  const severity = NOTIFY[e.type];
  if (severity === undefined) return null;
  const { ts: _ts, type, cycle, ...fields } = e;
  const text =
    type === 'halt'
      ? `COCE halted trading at cycle ${cycle}: ${String(fields.reason)}`
      : type === 'resume'
        ? `COCE trading resumed after cycle ${cycle}: ${String(fields.reason)}`
        : type === 'reconcile_mismatch'
          ? `COCE state and venue differ by ${Number(fields.mismatchUsd).toFixed(2)} USD: trading halted`
          : type === 'drawdown_level'
            ? `COCE drawdown ${Number(fields.drawdownPct).toFixed(2)} % (level ${(100 * Number(fields.from)).toFixed(0)} % -> ${(100 * Number(fields.to)).toFixed(0)} %)`
            : type === 'daily_summary'
              ? `COCE daily: NAV ${Number(fields.navUsd).toFixed(2)} USD (${Number(fields.dayReturnPct).toFixed(2)} % on the day), drawdown ${Number(fields.drawdownPct).toFixed(2)} %, ${String(fields.positions)} positions, kill-switch ${String(fields.killSwitch)}`
              : `COCE ${type.replace('_', ' ')} at cycle ${cycle}: ${String(fields.verdict)}${Array.isArray(fields.reasons) && fields.reasons.length > 0 ? ` (${fields.reasons.join('; ')})` : ''}`;
  return { type, severity, cycle, text, fields };
}
