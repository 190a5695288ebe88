// Small counts about people in what leaves the system (the annual report, the tab's figures): a count
// from 1 to 4 could point at someone, so it is shown as «<5»; where a breakdown adds up to its total,
// further cells are hidden («:») until no hidden small count can be worked out by subtraction.
// A decision on plain numbers; infra/reports.ts computes the figures and calls it when presenting them.

/** Counts of people, or of events that tell about particular people. */
export const PEOPLE_FIGURES = [
  'activeVolunteers', 'newVolunteers', 'volunteersLeft', 'peopleReached', 'concernsRaised',
  'tasksNotDone', 'volunteerCancellations', 'volunteerCancellationsLeaving', 'feedbackGood', 'feedbackNotGood',
] as const;
export type PeopleFigure = (typeof PEOPLE_FIGURES)[number];

/**
 * People figures whose breakdown cells add up to the total (each event falls in exactly one cell),
 * so a hidden cell could be worked out by subtraction. Distinct counts of people are not additive
 * (one volunteer is active in many months), and are only hidden when small.
 */
export const ADDITIVE_PEOPLE_FIGURES = [
  'newVolunteers', 'volunteersLeft', 'concernsRaised', 'tasksNotDone', 'volunteerCancellations', 'volunteerCancellationsLeaving',
  'feedbackGood', 'feedbackNotGood',
] as const satisfies readonly PeopleFigure[];

export const SUPPRESSION_THRESHOLD = 5;
export const SMALL = '<5';
/** Statistics Norway's mark for "not shown for confidentiality". */
export const HIDDEN = ':';

export type Cell = number | null | typeof SMALL | typeof HIDDEN;

/** A count of people as it may leave the system: 1–4 as "<5". */
export function smallCount(v: number): Cell {
  return v > 0 && v < SUPPRESSION_THRESHOLD ? SMALL : v;
}

export const SUPPRESSION_RULE =
  `Counts of people (${PEOPLE_FIGURES.join(', ')}) from 1 to ${SUPPRESSION_THRESHOLD - 1} are shown as "${SMALL}"; 0 is shown. ` +
  `Where a breakdown's cells add up to the total (${ADDITIVE_PEOPLE_FIGURES.join(', ')}) and a hidden cell could be worked out from the total ` +
  `and the cells shown, the smallest other cells are hidden too, shown as "${HIDDEN}"; if that is not enough, the whole breakdown of that figure is "${HIDDEN}".`;

/** Whether some small hidden cell's value follows from the total and the cells shown. */
function pinned(hidden: Array<{ value: number; small: boolean }>, sum: number): boolean {
  // Readers know: each small cell is 1..4, each other hidden cell is at least 5, and they add up to sum.
  const bounds = hidden.map((h) => (h.small ? { lo: 1, hi: SUPPRESSION_THRESHOLD - 1 } : { lo: SUPPRESSION_THRESHOLD, hi: Infinity }));
  const loAll = bounds.reduce((s, b) => s + b.lo, 0);
  const hiAll = bounds.reduce((s, b) => s + b.hi, 0);
  return hidden.some((h, i) => {
    if (!h.small) return false;
    const b = bounds[i]!;
    const lo = Math.max(b.lo, sum - (hiAll - b.hi));
    const hi = Math.min(b.hi, sum - (loAll - b.lo));
    return lo >= hi;
  });
}

/** One row of a report: its breakdown (or 'total'), the raw figures, and the cells as they will be shown. */
export interface SuppressedRow {
  dimension: string;
  raw: Readonly<Record<PeopleFigure, number | null>>;
  shown: Record<PeopleFigure, Cell>;
}

/**
 * Applies the rule to `rows` in place: every small people count becomes «<5», then, in each of
 * `breakdowns`, cells of an additive figure are hidden until the total and the cells shown pin no
 * small one. The row with dimension 'total' is the total.
 */
export function suppressSmallCounts(rows: readonly SuppressedRow[], breakdowns: readonly string[]): void {
  for (const row of rows) {
    for (const k of PEOPLE_FIGURES) {
      const v = row.raw[k];
      if (v !== null && v > 0 && v < SUPPRESSION_THRESHOLD) row.shown[k] = SMALL;
    }
  }
  const total = rows.find((r) => r.dimension === 'total')!;
  for (const dim of breakdowns) {
    const cells = rows.filter((c) => c.dimension === dim);
    for (const k of ADDITIVE_PEOPLE_FIGURES) {
      const t = total.raw[k];
      // A hidden total already keeps readers from subtracting.
      if (t === null || t < SUPPRESSION_THRESHOLD) continue;
      const hiddenSum = () => cells.filter((c) => typeof c.shown[k] === 'string').reduce((s, c) => s + (c.raw[k] ?? 0), 0);
      const hiddenCells = () => cells.filter((c) => typeof c.shown[k] === 'string').map((c) => ({ value: c.raw[k] ?? 0, small: c.shown[k] === SMALL }));
      if (!cells.some((c) => c.shown[k] === SMALL)) continue;
      while (pinned(hiddenCells(), hiddenSum())) {
        const next = cells
          .filter((c) => typeof c.shown[k] === 'number' && (c.raw[k] ?? 0) > 0)
          .sort((a, b) => (a.raw[k] ?? 0) - (b.raw[k] ?? 0))[0];
        if (!next) {
          for (const c of cells) c.shown[k] = HIDDEN;
          break;
        }
        next.shown[k] = HIDDEN;
      }
    }
  }
}
