/**
 * Rolling sums over the last `days` completed UTC days plus the current one, in O(1) memory per day: the basis of
 * 30-day ADV (dollar volume) and 30-day realised volatility (squared log returns) for every asset.
 */
export class DailyBuckets {
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  private day = -1;
  private slot = 0;
  private totalSum = 0;
  private totalCount = 0;

  constructor(private readonly days: number) {
    this.sums = new Float64Array(days + 1);
    this.counts = new Float64Array(days + 1);
  }

  add(dayIndex: number, value: number): void {
    if (dayIndex !== this.day) {
      const steps = this.day < 0 ? 1 : Math.min(dayIndex - this.day, this.sums.length);
      for (let i = 0; i < steps; i++) {
        this.slot = (this.slot + 1) % this.sums.length;
        this.totalSum -= this.sums[this.slot]!;
        this.totalCount -= this.counts[this.slot]!;
        this.sums[this.slot] = 0;
        this.counts[this.slot] = 0;
      }
      this.day = dayIndex;
    }
    this.sums[this.slot]! += value;
    this.counts[this.slot]! += 1;
    this.totalSum += value;
    this.totalCount += 1;
  }

  /** Sum over the window (last `days` days and today so far) and the number of values in it. */
  sum(): number {
    return this.totalSum;
  }

  count(): number {
    return this.totalCount;
  }
}
