// Sizes and run lengths: the full run and the quick one (--quick, under two minutes on 2 cores).
export interface Options {
  quick: boolean;
  /** Runs per figure (median and spread over these). */
  runs: number;
  /** Fixed concurrency (keep-alive connections) for turn throughput and hello world. */
  concurrency: number;
  /** Length of one throughput run. */
  turnRunMs: number;
  /** Warm-up before throughput runs (JIT, pools), not counted. */
  warmupMs: number;
  fanoutSizes: number[];
  raceSize: number;
  matchingPool: number;
  matchingCalls: number;
  matchingWorstCalls: number;
  /** Also time the pool as loadMatchingPool returns it (SQL-filtered). */
  matchingPrefiltered: boolean;
  reminders: number;
  /** Reminders per run on the reference redis-server left at its defaults. */
  remindersAtDefaults: number;
  latenessJobs: number;
  /** Lateness jobs fall due uniformly between these many ms from now. */
  latenessWindowMs: [number, number];
  /** Offers through the throttled connector (the Teams budget), and how many times. */
  budgetOffers: number;
  budgetRuns: number;
}

export function options(quick: boolean): Options {
  return quick
    ? {
        quick,
        runs: 3,
        concurrency: 32,
        turnRunMs: 1000,
        warmupMs: 500,
        fanoutSizes: [50, 300],
        raceSize: 150,
        matchingPool: 100_000,
        matchingCalls: 70,
        matchingWorstCalls: 4,
        matchingPrefiltered: false,
        reminders: 10_000,
        remindersAtDefaults: 10_000,
        latenessJobs: 10_000,
        latenessWindowMs: [5000, 65_000],
        budgetOffers: 2000,
        budgetRuns: 1,
      }
    : {
        quick,
        runs: 5,
        concurrency: 32,
        turnRunMs: 5000,
        warmupMs: 1000,
        fanoutSizes: [50, 1000, 10_000],
        raceSize: 1000,
        matchingPool: 100_000,
        matchingCalls: 200,
        matchingWorstCalls: 20,
        matchingPrefiltered: true,
        reminders: 100_000,
        remindersAtDefaults: 20_000,
        latenessJobs: 10_000,
        latenessWindowMs: [5000, 65_000],
        budgetOffers: 10_000,
        budgetRuns: 1,
      };
}
