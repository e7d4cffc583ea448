import { UsageError } from '../utils/errors.js';

/** `--queue` URLs, apart from the queue code so that parsing one does not load bullmq and ioredis. */

/** A Redis URL as `--queue` takes it: redis://[user:password@]host:port[/db]. */
export function parseQueueUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--queue must be a Redis URL such as redis://127.0.0.1:6379 (got ${url})`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UsageError(`--queue must be a redis:// or rediss:// URL (got ${u.protocol}//)`);
  return url;
}

/** The URL as it may be printed: never its password. */
export function safeQueueUrl(url: string): string {
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.toString();
}
