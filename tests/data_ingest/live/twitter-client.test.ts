import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lexiconSentiment, tweetScore } from '../../../src/data_ingest/live/lexicon-sentiment.js';
import { MalformedResponseError, RateLimitedError, RejectedRequestError } from '../../../src/data_ingest/live/source-errors.js';
import { cashtagQuery, TwitterClient } from '../../../src/data_ingest/live/twitter-client.js';
import { memoryLogger } from '../../helpers.js';
import { LoopbackServer } from './loopback-server.js';

const NOW = Date.parse('2026-01-05T12:00:00Z');

describe('TwitterClient against loopback X API v2 endpoints', () => {
  const srv = new LoopbackServer({
    '/2/tweets/counts/recent': (u) =>
      u.searchParams.get('next_token') === null
        ? {
            body: {
              data: [{ end: '2026-01-05T11:00:00.000Z', start: '2026-01-05T10:00:00.000Z', tweet_count: 35 }],
              meta: { total_tweet_count: 35, next_token: 'page2' },
            },
            headers: { 'x-rate-limit-limit': '300', 'x-rate-limit-remaining': '299', 'x-rate-limit-reset': String(NOW / 1000 + 900) },
          }
        : { body: { data: [{ end: '2026-01-05T10:00:00.000Z', start: '2026-01-05T09:00:00.000Z', tweet_count: 12 }], meta: { total_tweet_count: 12 } } },
    '/2/tweets/search/recent': () => ({
      body: {
        data: [
          { edit_history_tweet_ids: ['1'], id: '1', text: '$PEPE to the moon 🚀 bullish breakout' },
          { edit_history_tweet_ids: ['2'], id: '2', text: '$PEPE looks like a rug, dump incoming' },
          { edit_history_tweet_ids: ['3'], id: '3', text: '$PEPE chart https://t.co/x' },
        ],
        meta: { newest_id: '3', oldest_id: '1', result_count: 3 },
      },
    }),
  });
  beforeAll(() => srv.start());
  afterAll(() => srv.stop());
  const waits: number[] = [];
  const client = (retries?: number) => {
    const { log } = memoryLogger(['bearer-token-123456']);
    return new TwitterClient({
      baseUrl: srv.base,
      bearer: 'bearer-token-123456',
      timeoutMs: 500,
      nowMs: () => NOW,
      ...(retries === undefined ? {} : { retry: { retries, baseDelayMs: 10, maxDelayMs: 60_000, sleep: (ms) => (waits.push(ms), Promise.resolve()), log } }),
    });
  };

  it('reads hourly counts across pages with the bearer token and the documented parameters', async () => {
    const buckets = await client().hourlyCounts(cashtagQuery('PEPE'), NOW - 3 * 3_600_000, NOW - 3_600_000);
    expect(buckets).toEqual([
      { startMs: Date.parse('2026-01-05T09:00:00Z'), endMs: Date.parse('2026-01-05T10:00:00Z'), tweets: 12 },
      { startMs: Date.parse('2026-01-05T10:00:00Z'), endMs: Date.parse('2026-01-05T11:00:00Z'), tweets: 35 },
    ]);
    const [first, second] = srv.requests.filter((r) => r.path === '/2/tweets/counts/recent');
    expect(Object.fromEntries(first!.query)).toEqual({
      query: '$PEPE -is:retweet',
      granularity: 'hour',
      start_time: '2026-01-05T09:00:00Z',
      end_time: '2026-01-05T11:00:00Z',
    });
    expect(second!.query.get('next_token')).toBe('page2');
    expect(first!.headers.authorization).toBe('Bearer bearer-token-123456');
  });

  it('waits until x-rate-limit-reset after a 429, then goes on', async () => {
    srv.fail('/2/tweets/counts/recent', {
      status: 429,
      body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
      headers: { 'x-rate-limit-reset': String(NOW / 1000 + 42) },
    });
    waits.length = 0;
    expect(await client(2).hourlyCounts('$PEPE', NOW - 3_600_000, NOW)).toHaveLength(2);
    expect(waits).toEqual([42_000]);
    srv.fail('/2/tweets/counts/recent', { status: 429, body: {}, headers: { 'x-rate-limit-reset': String(NOW / 1000 + 42) } });
    await expect(client().hourlyCounts('$PEPE', NOW - 3_600_000, NOW)).rejects.toThrow(RateLimitedError);
  });

  it('rejects a 401, a 200 that carries only errors, a malformed body and an over-long query', async () => {
    srv.fail('/2/tweets/counts/recent', { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } });
    await expect(client(3).hourlyCounts('$X', 0, 1)).rejects.toThrow(RejectedRequestError);
    srv.fail('/2/tweets/counts/recent', {
      body: { errors: [{ title: 'Invalid Request', detail: 'Cashtag operator not available on this plan', type: 'https://api.twitter.com/2/problems/invalid-request' }] },
    });
    await expect(client().hourlyCounts('$X', 0, 1)).rejects.toThrow('x counts/recent for "$X": Cashtag operator not available on this plan');
    srv.fail('/2/tweets/counts/recent', { body: { data: [{ start: 'yesterday', end: 'today', tweet_count: 1 }] } });
    await expect(client().hourlyCounts('$X', 0, 1)).rejects.toThrow(MalformedResponseError);
    await expect(client().hourlyCounts('x'.repeat(513), 0, 1)).rejects.toThrow('query longer than 512 characters');
  });

  it('stops a pagination that repeats its token', async () => {
    const loop = { body: { data: [{ end: '2026-01-05T11:00:00.000Z', start: '2026-01-05T10:00:00.000Z', tweet_count: 1 }], meta: { total_tweet_count: 1, next_token: 'again' } } };
    srv.fail('/2/tweets/counts/recent', loop, loop, loop);
    await expect(client().hourlyCounts('$LOOP', NOW - 3_600_000, NOW)).rejects.toThrow('pagination does not end (token repeated or over 50 pages)');
  });

  it('reads recent texts (none: no data key) and scores them with the lexicon', async () => {
    const texts = await client().recentTexts('$PEPE', 5);
    expect(srv.requests.at(-1)!.query.get('max_results')).toBe('10');
    expect(texts).toHaveLength(3);
    // +1 (moon, bullish, breakout, rocket: 4 positive), -1 (rug, dump), no words: left out
    expect(tweetScore(texts[0]!)).toBe(1);
    expect(tweetScore(texts[1]!)).toBe(-1);
    expect(tweetScore(texts[2]!)).toBeNull();
    expect(lexiconSentiment(texts)).toBe(0);
    expect(lexiconSentiment(['buy buy sell'])).toBeCloseTo(1 / 3, 12);
    expect(lexiconSentiment([])).toBe(0);
    srv.fail('/2/tweets/search/recent', { body: { meta: { result_count: 0 } } });
    expect(await client().recentTexts('$NONE', 10)).toEqual([]);
    srv.fail('/2/tweets/search/recent', { body: { data: 'x' } });
    await expect(client().recentTexts('$NONE', 10)).rejects.toThrow(MalformedResponseError);
  });
});
