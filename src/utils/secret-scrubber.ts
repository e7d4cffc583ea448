import { Writable } from 'node:stream';

/**
 * Last line of defence for "no secret in any log line": pino's `redact` removes secrets stored under known keys,
 * but a secret can also travel inside a string (an error message, a URL). The scrubber replaces every known secret
 * value, raw or JSON-escaped, wherever it appears in text about to be written.
 */
export const REDACTED = '[redacted]';

/** Values shorter than this are not scrubbed: they would match ordinary text and no real key is that short. */
const MIN_SECRET_LENGTH = 6;

export class SecretScrubber {
  private readonly pattern: RegExp | null;

  constructor(values: Iterable<string>) {
    const variants = new Set<string>();
    const add = (v: string) => {
      if (v.length < MIN_SECRET_LENGTH) return;
      variants.add(v);
      variants.add(JSON.stringify(v).slice(1, -1));
      variants.add(encodeURIComponent(v));
      variants.add(new URLSearchParams({ v }).toString().slice(2));
    };
    for (const v of values) {
      add(v);
      // A URL-shaped secret (Sentry DSN, Slack webhook) also leaks through its key or path logged on their own.
      if (URL.canParse(v)) {
        const u = new URL(v);
        add(decodeURIComponent(u.username));
        add(decodeURIComponent(u.password));
        add(u.pathname.replace(/^\/+|\/+$/g, ''));
        for (const segment of u.pathname.split('/')) if (segment.length >= 12) add(segment);
      }
    }
    const sorted = [...variants].sort((a, b) => b.length - a.length);
    this.pattern =
      sorted.length === 0 ? null : new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'g');
  }

  scrub(text: string): string {
    return this.pattern === null ? text : text.replace(this.pattern, REDACTED);
  }

  /** A writable stream that scrubs each chunk before handing it on to `out` (synchronously, in order). */
  wrap(out: { write(chunk: string): unknown }): Writable {
    return new Writable({
      decodeStrings: false,
      write: (chunk: string | Buffer, _enc, done) => {
        out.write(this.scrub(typeof chunk === 'string' ? chunk : chunk.toString('utf8')));
        done();
      },
    });
  }
}
