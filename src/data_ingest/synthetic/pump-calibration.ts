/**
 * Timing of pump-and-dump events, calibrated to the 1,110 Telegram-announced pumps of La Morgia et al. (ICCCN 2020),
 * ../shared/data/pump-and-dump/pump_telegram.csv (2017-07 .. 2021-01, 372 coins, five exchanges). Figures taken:
 *
 * - Events per month: 26.4 on average over the 42 months present (1,110 / 42). Default market.synthetic.pumps_per_month.
 * - Start on the hour: 74.2 % of signals at minute :00 exactly, 87.8 % within 5 minutes of an hour.
 * - Hour of day (UTC, rounded to the nearest hour): HOUR_OF_DAY_COUNTS below; 91.6 % start in the hours 15..20 UTC,
 *   the peak is 17:00 (334 events).
 * - Day of week (Mon..Sun): 124, 170, 160, 191, 144, 169, 152: nearly flat with a Thursday high.
 * - Repeats: 84.5 % of events hit a coin that was pumped more than once; the most-pumped coins took 24 events each
 *   (2.2 % of all). We give each micro-cap a log-normal pump propensity (sigma PROPENSITY_LOG_SIGMA), which in an
 *   80-coin universe over 180 days puts most events on coins pumped repeatedly.
 *
 * The shape of a pump (magnitude, timing of the peak, accumulation, dump, volume) is calibrated to the 115 Binance
 * pumps with trades in ../shared/data/real/binance-btc-pump-trades (2018-06 .. 2020-04), measured in hourly bars by
 * `coce data pump-stats` (src/alpha/pump-statistics.ts) and held to them within tolerances by
 * tests/data_ingest/synthetic/pump-calibration.test.ts. The ranges below are the generator's draws; the README shows
 * the generator's statistics beside the real ones.
 */
export const EVENTS_PER_MONTH = 26.4;

export const SHARE_EXACTLY_ON_HOUR = 0.742;

/** Counts of event starts per UTC hour 0..23, from the data set (rounded to the nearest hour). */
export const HOUR_OF_DAY_COUNTS = [1, 2, 0, 0, 0, 1, 0, 0, 0, 2, 2, 3, 9, 10, 36, 101, 233, 334, 168, 100, 81, 25, 0, 2];

/** Counts of events per weekday, Monday first. */
export const DAY_OF_WEEK_COUNTS_MON_FIRST = [124, 170, 160, 191, 144, 169, 152];

export const PROPENSITY_LOG_SIGMA = 1.0;

/** A coin is not pumped again within this many days of its last pump. */
export const COOLDOWN_DAYS = 3;

/** Peak gain over the pre-pump price, log-uniform (real median about +14 % within the first hour). */
export const MAGNITUDE_RANGE: [number, number] = [0.03, 0.45];

/** Most real pumps peak within minutes of the call; the rest climb for one to three hours. */
export const SHARE_PEAK_IN_FIRST_HOUR = 0.9;
export const PEAK_MINUTES_FAST: [number, number] = [2, 45];
export const PEAK_MINUTES_SLOW: [number, number] = [60, 180];

/** Insiders buy in the hours before the call: a log gain of 1-8 % over 2-12 h, on volume rising to this multiple. */
export const ACCUMULATION_HOURS: [number, number] = [2, 12];
export const ACCUMULATION_LOG_GAIN: [number, number] = [0.01, 0.08];
export const ACCUMULATION_VOLUME_MULTIPLE = 2;

/** The dump: 1-6 h, giving back 90-140 % of the pump's log gain (a day later most real pumps sit below the start). */
export const DUMP_HOURS: [number, number] = [1, 6];
export const DUMP_FRACTION: [number, number] = [0.9, 1.4];

/** Volume multiple from the start to the peak, log-uniform; it decays through the dump. */
export const PUMP_VOLUME_MULTIPLE: [number, number] = [4, 30];

/**
 * Hours before the call that a pump's own burst of mentions begins. Telegram groups keep the coin secret until the
 * call (their countdown names no coin), so a coin's mentions surge at the call, with at most an hour's leak. Bursts
 * that began hours earlier made the synthetic pumps far easier to see than real ones (F1 about 50 % against 10 %).
 */
export const HYPE_LEAD_HOURS: [number, number] = [0, 1];
