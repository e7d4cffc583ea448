import { MalformedResponseError, RateLimitedError, RejectedRequestError, TransientSourceError } from './source-errors.js';

export interface FetchJsonOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Wall-clock now, to turn an epoch rate-limit reset header into a wait. */
  nowMs: () => number;
}

export interface JsonResponse {
  body: unknown;
  headers: Headers;
}

/** Wait the server asked for: Retry-After (seconds), else X's x-rate-limit-reset (epoch seconds). */
export function retryAfterMsOf(headers: Headers, nowMs: number): number | null {
  const ra = headers.get('retry-after');
  if (ra !== null && ra.trim() !== '' && Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const reset = headers.get('x-rate-limit-reset');
  if (reset !== null && Number.isFinite(Number(reset))) return Math.max(0, Number(reset) * 1000 - nowMs);
  return null;
}

/** `host/path` without the query (which may hold keys): what error messages name. */
const where = (url: string) => {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
};

/**
 * GET a JSON document with a timeout and map every failure to a typed source error: network errors, timeouts and
 * 5xx are transient, 429/418 are rate limits (with the server's wait), other 4xx are rejections, and a 2xx body that
 * is not JSON is malformed.
 */
export async function fetchJson(url: string, o: FetchJsonOptions): Promise<JsonResponse> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json', ...o.headers }, signal: AbortSignal.timeout(o.timeoutMs) });
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    throw new TransientSourceError(`${where(url)}: ${timedOut ? `no answer within ${o.timeoutMs} ms` : `network error (${e.message})`}`, { url: where(url) });
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new TransientSourceError(`${where(url)}: body not received (${(err as Error).name})`, { url: where(url) });
  }
  if (res.status === 429 || res.status === 418) {
    throw new RateLimitedError(`${where(url)}: HTTP ${res.status} rate limited`, retryAfterMsOf(res.headers, o.nowMs()), { status: res.status });
  }
  if (res.status >= 500) throw new TransientSourceError(`${where(url)}: HTTP ${res.status}`, { status: res.status });
  if (res.status >= 400) {
    // Authentication errors can echo parts of a key: their body is left out of the message.
    const body = res.status === 401 || res.status === 403 ? '(body not shown)' : text.slice(0, 200);
    throw new RejectedRequestError(`${where(url)}: HTTP ${res.status} ${body}`, { status: res.status });
  }
  try {
    return { body: JSON.parse(text) as unknown, headers: res.headers };
  } catch {
    throw new MalformedResponseError(`${where(url)}: HTTP ${res.status} body is not JSON (${JSON.stringify(text.slice(0, 80))})`, { status: res.status });
  }
}
