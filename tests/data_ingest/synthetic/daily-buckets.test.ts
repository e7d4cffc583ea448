import { describe, expect, it } from 'vitest';
import { DailyBuckets } from '../../../src/data_ingest/synthetic/daily-buckets.js';

describe('DailyBuckets', () => {
  it('sums the last N days plus today, dropping older days and skipping empty ones', () => {
    const b = new DailyBuckets(2);
    b.add(10, 1);
    b.add(10, 2);
    b.add(11, 4);
    b.add(12, 8);
    expect([b.sum(), b.count()]).toEqual([15, 4]); // days 10, 11, 12
    b.add(13, 16);
    expect([b.sum(), b.count()]).toEqual([28, 3]); // day 10 dropped
    b.add(20, 32);
    expect([b.sum(), b.count()]).toEqual([32, 1]); // a long gap empties the window
  });
});
