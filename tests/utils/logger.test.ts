import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/utils/logger.js';
import { REDACTED, SecretScrubber } from '../../src/utils/secret-scrubber.js';
import { memoryLogger } from '../helpers.js';

const KEY = 'AKIAFAKEKEY0123456789';
const SECRET = 'sEcReT/with+chars"and\\quotes';

describe('SecretScrubber', () => {
  it('replaces raw, JSON-escaped and URL-encoded secrets, longest first', () => {
    const s = new SecretScrubber([KEY, SECRET, 'abc']);
    expect(s.scrub(`key=${KEY} q=${encodeURIComponent(SECRET)}`)).toBe(`key=${REDACTED} q=${REDACTED}`);
    expect(s.scrub(JSON.stringify({ m: `oops ${SECRET}` }))).toBe(`{"m":"oops ${REDACTED}"}`);
    expect(s.scrub('abc stays: too short to be a key')).toBe('abc stays: too short to be a key');
    expect(new SecretScrubber([]).scrub(KEY)).toBe(KEY);
  });

  it('also scrubs the key and path of URL-shaped secrets logged on their own', () => {
    const dsn = 'https://abcdef0123456789@o12.ingest.example/42';
    const hook = 'https://hooks.example/services/T0000/B0000/XyZsecretPart123456';
    const s = new SecretScrubber([dsn, hook]);
    expect(s.scrub('key abcdef0123456789 path services/T0000/B0000/XyZsecretPart123456 tail XyZsecretPart123456')).toBe(
      `key ${REDACTED} path ${REDACTED} tail ${REDACTED}`,
    );
    expect(s.scrub('the word services stays')).toBe('the word services stays');
    expect(s.scrub(new URLSearchParams({ q: 'a b+' + dsn }).toString())).not.toContain('abcdef0123456789');
  });

  it('wraps a sink', () => {
    const out: string[] = [];
    new SecretScrubber([KEY]).wrap({ write: (c) => out.push(c) }).write(`x ${KEY}`);
    expect(out).toEqual([`x ${REDACTED}`]);
  });
});

describe('createLogger', () => {
  it('writes JSON lines with level, ISO time, child bindings and message', () => {
    const { log, lines } = memoryLogger();
    log.child({ component: 'engine' }).info({ cycle: 3 }, 'cycle completed');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, component: 'engine', cycle: 3, msg: 'cycle completed' });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('redacts secrets under known keys and inside any string', () => {
    const { log, lines } = memoryLogger([KEY, SECRET]);
    log.info({ apiKey: 'short', venue: { secret: 'also-short' }, req: { headers: { authorization: 'Bearer x' } } }, 'keyed');
    log.error({ err: new Error(`request failed for ${KEY}`) }, `message with ${SECRET}`);
    log.warn({ url: `https://x.test/?token=${encodeURIComponent(SECRET)}` }, 'url');
    const all = lines.join('');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain('short"');
    expect(all).not.toContain('also-short');
    expect(all).not.toContain('Bearer x');
    expect(all).not.toContain(encodeURIComponent(SECRET));
    expect(JSON.parse(lines[0]!)).toMatchObject({ apiKey: REDACTED, venue: { secret: REDACTED }, req: { headers: { authorization: REDACTED } } });
    expect((JSON.parse(lines[1]!) as { msg: string }).msg).toBe(`message with ${REDACTED}`);
  });

  it('honours the level and renders readable lines when pretty', () => {
    const out: string[] = [];
    const log = createLogger({ level: 'warn', pretty: true, scrubber: new SecretScrubber([KEY]), out: { write: (s) => out.push(s) } });
    log.info('hidden');
    log.warn({ key: KEY }, 'shown');
    const text = out.join('');
    expect(text).not.toContain('hidden');
    expect(text).toContain('shown');
    expect(text).toContain(REDACTED);
    expect(text).not.toContain(KEY);
    expect(text.trimStart().startsWith('{')).toBe(false);
  });
});
