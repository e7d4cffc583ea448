import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson, retryAfterMsOf } from '../../../src/data_ingest/live/fetch-json.js';
import { MalformedResponseError, RateLimitedError, RejectedRequestError, TransientSourceError } from '../../../src/data_ingest/live/source-errors.js';
import { LoopbackServer } from './loopback-server.js';

const NOW = 1_700_000_000_000;
const opts = { timeoutMs: 300, nowMs: () => NOW };

describe('fetchJson', () => {
  const srv = new LoopbackServer({ '/ok': () => ({ body: { a: 1 }, headers: { 'x-extra': 'y' } }) });
  beforeAll(() => srv.start());
  afterAll(() => srv.stop());

  it('returns the parsed body and headers, sending accept and the given headers', async () => {
    const r = await fetchJson(`${srv.base}/ok?key=secret`, { ...opts, headers: { 'x-cg-demo-api-key': 'k' } });
    expect(r.body).toEqual({ a: 1 });
    expect(r.headers.get('x-extra')).toBe('y');
    expect(srv.requests.at(-1)!.headers['x-cg-demo-api-key']).toBe('k');
    expect(srv.requests.at(-1)!.headers.accept).toBe('application/json');
  });

  it('maps every failure to a typed error, naming host and path but never the query', async () => {
    const host = srv.base.replace('http://', '');
    srv.fail('/ok', { status: 429, body: { status: { error_code: 429 } }, headers: { 'retry-after': '7' } });
    const e429 = await fetchJson(`${srv.base}/ok?key=secret`, opts).catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(RateLimitedError);
    expect((e429 as RateLimitedError).retryAfterMs).toBe(7000);
    expect((e429 as Error).message).toBe(`${host}/ok: HTTP 429 rate limited`);
    srv.fail('/ok', { status: 418, body: {}, headers: { 'x-rate-limit-reset': String(NOW / 1000 + 30) } });
    expect(((await fetchJson(`${srv.base}/ok`, opts).catch((e: unknown) => e)) as RateLimitedError).retryAfterMs).toBe(30_000);
    srv.fail('/ok', { status: 503, body: 'Service Unavailable', raw: true });
    await expect(fetchJson(`${srv.base}/ok`, opts)).rejects.toThrow(TransientSourceError);
    srv.fail('/ok', { status: 400, body: { error: 'Missing parameter vs_currency' } });
    const e400 = await fetchJson(`${srv.base}/ok`, opts).catch((e: unknown) => e);
    expect(e400).toBeInstanceOf(RejectedRequestError);
    expect((e400 as Error).message).toBe(`${host}/ok: HTTP 400 {"error":"Missing parameter vs_currency"}`);
    srv.fail('/ok', { body: '<html>cloudflare</html>', raw: true });
    await expect(fetchJson(`${srv.base}/ok`, opts)).rejects.toThrow(MalformedResponseError);
    srv.fail('/ok', { body: null, hang: true });
    await expect(fetchJson(`${srv.base}/ok`, opts)).rejects.toThrow(`${host}/ok: no answer within 300 ms`);
    await expect(fetchJson('http://127.0.0.1:1/x', opts)).rejects.toThrow(/127\.0\.0\.1:1\/x: network error/);
  });

  it('reads Retry-After seconds first, then an epoch reset, else nothing', () => {
    expect(retryAfterMsOf(new Headers({ 'retry-after': '2' }), NOW)).toBe(2000);
    expect(retryAfterMsOf(new Headers({ 'x-rate-limit-reset': String(NOW / 1000 - 5) }), NOW)).toBe(0);
    expect(retryAfterMsOf(new Headers({ 'retry-after': 'soon' }), NOW)).toBeNull();
  });
});
