// Small statistics for benchmark figures: percentiles of one run's samples, and the median and
// spread of a figure over several runs.

/** Nearest-rank percentile (p in 0..100) of samples; NaN when there are none. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  const n = samples.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One figure measured over several runs. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  /** (max − min) / median, as a percentage: how far apart the runs were. */
  spreadPct: number;
  runs: number[];
  unit: string;
}

export function figure(runs: readonly number[], unit: string): Figure {
  const m = median(runs);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return { median: m, min, max, spreadPct: m !== 0 && Number.isFinite(m) ? ((max - min) / Math.abs(m)) * 100 : Number.NaN, runs: [...runs], unit };
}

/** Latency samples of one run, summarised. */
export interface LatencySummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function latencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const at = (p: number) => (n === 0 ? Number.NaN : sorted[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1]!);
  return { n, p50: at(50), p99: at(99), max: n ? sorted[n - 1]! : Number.NaN };
}

/** Human-friendly number: 3 significant digits, thin-space thousands. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (Number.isInteger(x)) return String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const abs = Math.abs(x);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? Math.max(0, digits - 2) : abs >= 1 ? Math.max(0, digits - 1) : digits;
  const s = x.toFixed(decimals);
  const [int, frac] = s.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return frac ? `${grouped}.${frac}` : grouped;
}

/** "1 234 ±5 %" style: median and spread of a figure. */
export function fmtFigure(f: Figure, digits = 3): string {
  return `${fmt(f.median, digits)} ${f.unit} (${fmt(f.min, digits)}–${fmt(f.max, digits)})`;
}

export function log(line: string): void {
  process.stdout.write(line + '\n');
}
