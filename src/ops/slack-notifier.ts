import type { Logger } from '../utils/logger.js';
import type { Notification, Notifier } from '../utils/notifier.js';

/**
 * Notifications to a Slack incoming webhook (SLACK_WEBHOOK_URL). Never blocks or fails the cycle: `notify` returns at
 * once and the post happens in the background; failures are logged. Rate-limited to one message per
 * `minIntervalMs` (critical ones, halts, always go), the skipped ones counted in the next message.
 */
export class SlackNotifier implements Notifier {
  private lastSentMs = -Infinity;
  private suppressed = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: { webhookUrl: string; minIntervalMs: number; log: Logger; nowMs?: () => number; fetch?: typeof fetch; timeoutMs?: number },
  ) {}

  notify(n: Notification): void {
    const now = (this.o.nowMs ?? Date.now)();
    if (n.severity !== 'critical' && now - this.lastSentMs < this.o.minIntervalMs) {
      this.suppressed++;
      return;
    }
    this.lastSentMs = now;
    const extra = this.suppressed > 0 ? ` (+${this.suppressed} earlier notification${this.suppressed === 1 ? '' : 's'} not sent: rate limit)` : '';
    this.suppressed = 0;
    const text = `${n.severity === 'critical' ? ':rotating_light: ' : ''}${n.text}${extra}`;
    this.inFlight = this.inFlight.then(() => this.post(text));
  }

  private async post(text: string): Promise<void> {
    try {
      const res = await (this.o.fetch ?? fetch)(this.o.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
      });
      if (!res.ok) this.o.log.warn({ status: res.status }, 'Slack webhook refused the message');
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'Slack webhook unreachable');
    }
  }

  /** Wait for messages still being sent (at shutdown). */
  flush(): Promise<void> {
    return this.inFlight;
  }
}

/** Several notifiers as one. */
export class FanOutNotifier implements Notifier {
  constructor(private readonly all: readonly Notifier[]) {}
  notify(n: Notification): void {
    for (const x of this.all) x.notify(n);
  }
}
