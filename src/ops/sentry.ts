import type { Notification, Notifier } from '../utils/notifier.js';

export interface SentryHandle extends Notifier {
  captureException(err: unknown): void;
  flush(): Promise<void>;
}

/**
 * Sentry when SENTRY_DSN is set: loaded lazily (the SDK costs ~0.7 s to import), uncaught errors and halts reported.
 * Without a DSN nothing is imported and null is returned.
 */
export async function initSentry(dsn: string | undefined, o: { environment: string; tracesSampleRate: number; release: string; scrub: (text: string) => string }): Promise<SentryHandle | null> {
  if (dsn === undefined || dsn === '') return null;
  const Sentry = await import('@sentry/node');
  Sentry.init({
    dsn,
    environment: o.environment,
    tracesSampleRate: o.tracesSampleRate,
    release: o.release,
    // breadcrumbs would carry request URLs (a Slack webhook, exchange calls): none are sent; every event is scrubbed
    beforeBreadcrumb: () => null,
    beforeSend: (event) => JSON.parse(o.scrub(JSON.stringify(event))) as typeof event,
  });
  return {
    notify(n: Notification) {
      if (n.severity === 'critical') Sentry.captureMessage(n.text, { level: 'error', extra: { cycle: n.cycle, type: n.type } });
    },
    captureException: (err) => void Sentry.captureException(err),
    flush: async () => void (await Sentry.flush(2_000)),
  };
}
