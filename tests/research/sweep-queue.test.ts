import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { parseQueueUrl, safeQueueUrl } from '../../src/research/queue-url.js';
import { spawnCoce, type Spawned } from '../e2e/process.js';
import { tmp } from '../helpers.js';
import { haveRedis, startRedis, type RedisServer } from './redis-server.js';

// .ci/run installs Debian's redis-server and sets COCE_REQUIRE_REDIS: there a missing server fails the test
if (!haveRedis() && process.env.COCE_REQUIRE_REDIS) throw new Error("redis-server is missing: .ci/run installs Debian's redis-server package");

interface SweepFile {
  jobs: number;
  ranked: string[];
  results: { id: string; error: string | null; summary: { sharpe: number | null; returnPct: number } | null }[];
}

const waitFor = async (what: string, ok: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!haveRedis())('coce sweep --queue with coce workers on a real Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('12 jobs, two workers, one killed mid-job: every job exactly once, ranked as the local sweep ranks them', async () => {
    const cwd = tmp('coce-sweep-');
    // 2 x 2 config points x 3 seeds = 12 back-tests of 2 days
    writeFileSync(join(cwd, 'grid.yaml'), 'days: 2\nseeds: [4, 5, 6]\nset:\n  portfolio.max_turnover_pct: [20, 30]\n  exits.take_profit_pct: [12, 15]\n');
    const worker = (): Spawned => spawnCoce(['worker', '--queue', redis.url, '--concurrency', '1', '--lock-ms', '2000'], { cwd });
    const a = worker();
    const b = worker();
    const producer = spawnCoce(['sweep', '--grid', 'grid.yaml', '--out', 'queued', '--queue', redis.url], { cwd });
    // worker a is killed (no goodbye, its job's lock left to expire) while a back-test of its runs
    await waitFor('worker a to start a job', () => /started /.test(a.stdoutSoFar()));
    const killedJob = /started (\S+)/.exec(a.stdoutSoFar())![1]!;
    a.kill('SIGKILL');
    const p = await producer.done;
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    b.kill('SIGTERM');
    const bExit = await b.done;
    expect(bExit.code).toBe(0);
    expect((await a.done).signal).toBe('SIGKILL');
    const queued = JSON.parse(readFileSync(join(cwd, 'queued', 'sweep.json'), 'utf8')) as SweepFile;
    // every job once, none twice: the results, and what the producer's terminal showed
    expect(queued.results.map((r) => r.id).sort()).toEqual(['c0-s4', 'c0-s5', 'c0-s6', 'c1-s4', 'c1-s5', 'c1-s6', 'c2-s4', 'c2-s5', 'c2-s6', 'c3-s4', 'c3-s5', 'c3-s6']);
    expect(queued.results.every((r) => r.error === null)).toBe(true);
    const progress = p.stdout.split('\n').filter((l) => /^ {2}\[\d+\/12\]/.test(l));
    expect(progress).toHaveLength(12);
    expect(progress.at(-1)).toMatch(/^ {2}\[12\/12\]/);
    // the killed worker's job ran again on the other one and counted once
    const sweepId = killedJob.slice(0, killedJob.lastIndexOf('.'));
    const jobId = killedJob.slice(sweepId.length + 1);
    expect(bExit.stdout).toContain(`completed ${killedJob}`);
    expect(progress.filter((l) => l.includes(` ${jobId} `) || l.endsWith(` ${jobId}`))).toHaveLength(1);
    // the local mode ranks the same grid the same way, with the same figures
    const local = spawnCoce(['sweep', '--grid', 'grid.yaml', '--out', 'local', '--workers', '2'], { cwd });
    expect((await local.done).code).toBe(0);
    const here = JSON.parse(readFileSync(join(cwd, 'local', 'sweep.json'), 'utf8')) as SweepFile;
    expect(queued.ranked).toEqual(here.ranked);
    const figures = (f: SweepFile) => Object.fromEntries(f.results.map((r) => [r.id, r.summary]));
    expect(figures(queued)).toEqual(figures(here));
  }, 180_000);

  it('coce optimize --queue: the same windows, choices and out-of-sample figures as on this machine', async () => {
    const cwd = tmp('coce-sweep-');
    writeFileSync(join(cwd, 'grid.yaml'), 'days: 5\nseeds: [4, 5]\nset:\n  exits.take_profit_pct: [12, 15]\n');
    const worker = spawnCoce(['worker', '--queue', redis.url, '--concurrency', '2'], { cwd });
    try {
      const queued = await spawnCoce(['optimize', '--grid', 'grid.yaml', '--train-days', '2', '--test-days', '1', '--out', 'queued', '--queue', redis.url], { cwd }).done;
      expect(queued.stderr).toBe('');
      expect(queued.code).toBe(0);
      expect(queued.stdout.split('\n').filter((l) => /^ {2}\[\d\/4\]/.test(l))).toHaveLength(4);
      const local = await spawnCoce(['optimize', '--grid', 'grid.yaml', '--train-days', '2', '--test-days', '1', '--out', 'local', '--workers', '2'], { cwd }).done;
      expect(local.code).toBe(0);
      const read = (dir: string) => JSON.parse(readFileSync(join(cwd, dir, 'optimize.json'), 'utf8')) as { windows: unknown[] };
      expect(read('queued').windows).toHaveLength(3);
      expect(read('queued')).toEqual(read('local'));
    } finally {
      worker.kill('SIGTERM');
      await worker.done;
    }
  }, 120_000);

  it('a producer stopped by Ctrl-C withdraws its jobs no worker has started, and says so', async () => {
    const cwd = tmp('coce-sweep-');
    writeFileSync(join(cwd, 'grid.yaml'), 'days: 2\nseeds: [4, 5, 6]\n');
    const producer = spawnCoce(['sweep', '--grid', 'grid.yaml', '--out', 'stopped', '--queue', redis.url], { cwd });
    await waitFor('the jobs to be queued', () => /3 back-tests queued on/.test(producer.stdoutSoFar()));
    const client = new Redis(redis.url);
    try {
      const sweepId = /sweep (\S+): 3 back-tests queued/.exec(producer.stdoutSoFar())![1]!;
      const keys = async () => (await client.keys('bull:coce-sweep:*')).filter((k) => k.includes(sweepId));
      for (let i = 0; i < 100 && (await keys()).length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await keys()).length).toBeGreaterThanOrEqual(3);
      producer.kill('SIGINT');
      const r = await producer.done;
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`sweep ${sweepId} stopped after 0 of 3 back-tests: 3 not started were withdrawn from the queue, 0 running on workers finish unread`);
      expect(await keys()).toEqual([]);
      expect(await client.lrange('bull:coce-sweep:wait', 0, -1)).toEqual([]);
    } finally {
      client.disconnect();
    }
  }, 60_000);

  it('names a queue it cannot reach, and never prints a password', async () => {
    expect(() => parseQueueUrl('http://x:1')).toThrow('--queue must be a redis:// or rediss:// URL (got http://)');
    expect(() => parseQueueUrl('not a url')).toThrow('--queue must be a Redis URL such as redis://127.0.0.1:6379 (got not a url)');
    expect(safeQueueUrl('redis://u:s3cret@h:1/0')).toBe('redis://u:***@h:1/0');
    const cwd = tmp('coce-sweep-');
    writeFileSync(join(cwd, 'grid.yaml'), 'days: 2\nseeds: [4]\n');
    const r = await spawnCoce(['sweep', '--grid', 'grid.yaml', '--queue', 'redis://u:s3cret@127.0.0.1:1'], { cwd }).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/u:\*\*\*@127\.0\.0\.1:1/);
    expect(r.stdout + r.stderr).not.toContain('s3cret');
  }, 60_000);
});
