import { z } from 'zod';
import { withRetry, type RetryOptions } from '../../utils/with-retry.js';
import { fetchJson } from './fetch-json.js';
import { MalformedResponseError, RejectedRequestError } from './source-errors.js';

/** One bucket of tweet counts: [startMs, endMs) and the number of tweets. */
export interface CountBucket {
  startMs: number;
  endMs: number;
  tweets: number;
}

const countsSchema = z.looseObject({
  data: z.array(z.looseObject({ start: z.iso.datetime(), end: z.iso.datetime(), tweet_count: z.number().int().min(0) })).optional(),
  meta: z.looseObject({ total_tweet_count: z.number().optional(), next_token: z.string().optional() }).optional(),
  errors: z.array(z.looseObject({ title: z.string().optional(), detail: z.string().optional(), type: z.string().optional() })).optional(),
});

const searchSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), text: z.string() })).optional(),
  meta: z.looseObject({ result_count: z.number(), next_token: z.string().optional() }),
  errors: countsSchema.shape.errors,
});

export interface TwitterOptions {
  baseUrl: string;
  bearer: string;
  timeoutMs: number;
  nowMs: () => number;
  /** Retry transient failures and 429s (waiting for x-rate-limit-reset); none when absent. */
  retry?: Omit<RetryOptions, 'what'>;
}

const MAX_PAGES = 50;

/** X's 512-character query limit for self-serve access. */
export const MAX_QUERY_LENGTH = 512;

/** The query COCE counts for a ticker: its cashtag, without retweets. */
export const cashtagQuery = (ticker: string): string => `$${ticker} -is:retweet`;

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * X API v2 recent tweet counts (hourly buckets) and recent tweet texts, with the app's bearer token. A 429 surfaces
 * as RateLimitedError carrying the wait until x-rate-limit-reset; a 200 that carries only `errors` is rejected.
 */
export class TwitterClient {
  constructor(private readonly o: TwitterOptions) {}

  /** GET and shape check together, so a garbled body is retried like any transient failure. */
  private async get<T>(path: string, params: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
    const q = new URLSearchParams(params).toString();
    const get = async () => {
      const { body } = await fetchJson(`${this.o.baseUrl.replace(/\/$/, '')}${path}?${q}`, {
        headers: { authorization: `Bearer ${this.o.bearer}` },
        timeoutMs: this.o.timeoutMs,
        nowMs: this.o.nowMs,
      });
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new MalformedResponseError(`x ${path}: unexpected shape (${parsed.error.issues[0]!.message})`);
      return parsed.data;
    };
    return this.o.retry === undefined ? get() : withRetry(get, { ...this.o.retry, what: `x ${path}` });
  }

  /** Hourly tweet counts for `query` in [startMs, endMs), following next_token. */
  async hourlyCounts(query: string, startMs: number, endMs: number): Promise<CountBucket[]> {
    if (query.length > MAX_QUERY_LENGTH) throw new RejectedRequestError(`query longer than ${MAX_QUERY_LENGTH} characters: ${query.slice(0, 40)}...`);
    const out: CountBucket[] = [];
    let next: string | undefined;
    const seen = new Set<string>();
    do {
      if (next !== undefined && (seen.has(next) || seen.size >= MAX_PAGES)) {
        throw new MalformedResponseError(`x counts/recent for "${query}": pagination does not end (token repeated or over ${MAX_PAGES} pages)`);
      }
      if (next !== undefined) seen.add(next);
      const params: Record<string, string> = { query, granularity: 'hour', start_time: isoSeconds(startMs), end_time: isoSeconds(endMs) };
      if (next !== undefined) params.next_token = next;
      const b = await this.get('/2/tweets/counts/recent', params, countsSchema);
      if (b.data === undefined && b.errors !== undefined && b.errors.length > 0) {
        throw new RejectedRequestError(`x counts/recent for "${query}": ${b.errors.map((e) => e.detail ?? e.title ?? 'error').join('; ')}`);
      }
      for (const d of b.data ?? []) out.push({ startMs: Date.parse(d.start), endMs: Date.parse(d.end), tweets: d.tweet_count });
      next = b.meta?.next_token;
    } while (next !== undefined);
    return out.sort((a, b) => a.startMs - b.startMs);
  }

  /** Texts of up to `maxResults` (10-100) recent tweets for `query`. */
  async recentTexts(query: string, maxResults: number): Promise<string[]> {
    const b = await this.get('/2/tweets/search/recent', { query, max_results: String(Math.min(100, Math.max(10, maxResults))) }, searchSchema);
    return (b.data ?? []).map((t) => t.text);
  }
}
