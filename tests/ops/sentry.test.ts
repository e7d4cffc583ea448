import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { initSentry } from '../../src/ops/sentry.js';
import { SecretScrubber } from '../../src/utils/secret-scrubber.js';

describe('Sentry (loopback ingest)', () => {
  it('reports halts and errors, scrubbed, without request breadcrumbs', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        bodies.push(b);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const hidden = 'http://127.0.0.1:9/services/T/B/SECRET-HOOK';
    const scrubber = new SecretScrubber([hidden]);
    try {
      const s = (await initSentry(`http://publickey@127.0.0.1:${port}/1`, { environment: 'test', tracesSampleRate: 0, release: 'coce@test', scrub: (t) => scrubber.scrub(t) }))!;
      await fetch(hidden).catch(() => undefined); // an outgoing request: it must leave no breadcrumb
      s.notify({ type: 'halt', severity: 'critical', cycle: 7, text: `COCE halted trading at cycle 7 (webhook ${hidden})`, fields: {} });
      s.notify({ type: 'daily_audit', severity: 'info', cycle: 8, text: 'not sent', fields: {} });
      s.captureException(new Error('engine failed'));
      await s.flush();
      const all = bodies.join('\n');
      expect(all).toContain('COCE halted trading at cycle 7');
      expect(all).toContain('engine failed');
      expect(all).not.toContain('"message":"not sent"'); // info notifications are not sent (the source context may quote it)
      expect(all).not.toContain('SECRET-HOOK');
      expect(all).not.toContain('"breadcrumbs"');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 30_000);
});
