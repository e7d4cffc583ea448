import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleServer } from '../../src/ops/console/console-server.js';
import type { ControlRequest } from '../../src/ops/console/operator-controls.js';
import { StateError } from '../../src/utils/errors.js';

const TOKEN = 'console-token-0123456789abcdef';

describe('the console: sessions, CSRF, rate-limited login, read-only without a token', () => {
  let server: ConsoleServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  async function start(token: string | null) {
    let now = 1_000_000;
    const controls: ControlRequest[] = [];
    server = new ConsoleServer({ token, sessionTtlMs: 30 * 60_000, onControl: (r) => controls.push(r), nowMs: () => now });
    const port = await server.start('127.0.0.1', 0);
    const base = `http://127.0.0.1:${port}`;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { base, post, controls, advance: (ms: number) => (now += ms) };
  }

  const login = async (post: (p: string, b: unknown) => Promise<Response>) => {
    const r = await post('/api/login', { token: TOKEN });
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^coce_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=1800$/);
    return { cookie: cookie.split(';')[0]!, csrf: ((await r.json()) as { csrf: string }).csrf };
  };

  it('a request that cannot be saved is answered 503 "not queued", never 202', async () => {
    server = new ConsoleServer({ token: TOKEN, sessionTtlMs: 30 * 60_000, onControl: () => { throw new StateError('could not save the operator request to /x/operator-requests.json: ENOSPC'); } });
    const base = `http://127.0.0.1:${await server.start('127.0.0.1', 0)}`;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const s = await login(post);
    const r = await post('/api/control/flatten', {}, { cookie: s.cookie, 'x-csrf-token': s.csrf });
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ error: 'not queued: could not save the operator request to /x/operator-requests.json: ENOSPC' });
  });

  it('without a token: no login, no control, and says why', async () => {
    const { base, post } = await start(null);
    expect((await post('/api/login', { token: 'x' })).status).toBe(403);
    const c = await post('/api/control/pause-entries', {});
    expect(c.status).toBe(403);
    expect(await c.json()).toEqual({ error: 'read-only console: COCE_CONSOLE_TOKEN is not set' });
    expect(await (await fetch(`${base}/api/session`)).json()).toEqual({ controls: false, loggedIn: false });
  });

  it('refuses every control without a session, with a forged or expired one, without the CSRF token or from another origin; a valid one is queued once', async () => {
    const { base, post, controls, advance } = await start(TOKEN);
    expect((await post('/api/control/pause-entries', {})).status).toBe(401);
    expect((await post('/api/control/pause-entries', {}, { cookie: 'coce_session=forged' })).status).toBe(401);
    const s = await login(post);
    expect((await post('/api/control/pause-entries', {}, { cookie: s.cookie })).status).toBe(403); // no CSRF header
    expect((await post('/api/control/pause-entries', {}, { cookie: s.cookie, 'x-csrf-token': 'guess' })).status).toBe(403);
    expect((await post('/api/control/pause-entries', {}, { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('/api/control/lift-halt', { reason: 'x' }, { cookie: s.cookie, 'x-csrf-token': s.csrf })).status).toBe(400);
    expect((await post('/api/control/flatten', { symbol: '<script>' }, { cookie: s.cookie, 'x-csrf-token': s.csrf })).status).toBe(400);
    expect((await post('/api/control/nope', {}, { cookie: s.cookie, 'x-csrf-token': s.csrf })).status).toBe(404);
    expect(controls).toEqual([]);
    const ok = await post('/api/control/flatten', { symbol: 'MC001' }, { cookie: s.cookie, 'x-csrf-token': s.csrf });
    expect(ok.status).toBe(202);
    expect(controls).toHaveLength(1);
    expect(controls[0]).toMatchObject({ kind: 'flatten', symbol: 'MC001', by: expect.stringMatching(/^console session [A-Za-z0-9_-]{6} from 127\.0\.0\.1$/) as unknown });
    expect(await (await fetch(`${base}/api/session`, { headers: { cookie: s.cookie } })).json()).toMatchObject({ controls: true, loggedIn: true, csrf: s.csrf });
    // 30 minutes later the session is gone
    advance(30 * 60_000);
    expect((await post('/api/control/pause-entries', {}, { cookie: s.cookie, 'x-csrf-token': s.csrf })).status).toBe(401);
    expect(controls).toHaveLength(1);
    // logging out ends a session at once
    const t = await login(post);
    expect((await post('/api/logout', {}, { cookie: t.cookie, 'x-csrf-token': t.csrf })).status).toBe(200);
    expect((await post('/api/control/pause-entries', {}, { cookie: t.cookie, 'x-csrf-token': t.csrf })).status).toBe(401);
  });

  it('rate-limits the login (5 a minute per address) and never shows the token', async () => {
    const { base, post, advance } = await start(TOKEN);
    for (let i = 0; i < 5; i++) expect((await post('/api/login', { token: `guess-${i}` })).status).toBe(401);
    const limited = await post('/api/login', { token: TOKEN }); // even the right one, until the window passes
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    advance(60_000);
    await login(post);
    for (const path of ['/', '/api/status', '/api/session']) expect(await (await fetch(`${base}${path}`)).text()).not.toContain(TOKEN);
  });
});
