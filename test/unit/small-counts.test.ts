// The small-number rule for what leaves the system (domain/small-counts.ts): counts of people from 1
// to 4 show as «<5», and where a breakdown adds up to its total, enough other cells are hidden («:»)
// that no small count can be worked out by subtraction.
import { describe, expect, it } from 'vitest';
import { HIDDEN, PEOPLE_FIGURES, SMALL, smallCount, suppressSmallCounts, type Cell, type PeopleFigure, type SuppressedRow } from '../../domain/small-counts.ts';

function figures(values: Partial<Record<PeopleFigure, number | null>>): Record<PeopleFigure, number | null> {
  return { ...(Object.fromEntries(PEOPLE_FIGURES.map((k) => [k, 0])) as Record<PeopleFigure, number>), ...values };
}

/** A total and one breakdown ('month') of `figure`; what each month's cell shows after the rule. */
function shown(figure: PeopleFigure, total: number, cells: number[]): Cell[] {
  const rows: SuppressedRow[] = [total, ...cells].map((v, i) => {
    const raw = figures({ [figure]: v });
    return { dimension: i === 0 ? 'total' : 'month', raw, shown: { ...raw } };
  });
  suppressSmallCounts(rows, ['month']);
  return rows.map((r) => r.shown[figure]);
}

describe('small counts of people', () => {
  it('shows 1–4 as «<5», and 0 and 5 or more as they are', () => {
    expect([0, 1, 4, 5, 12].map(smallCount)).toEqual([0, SMALL, SMALL, 5, 12]);
  });

  it('hides the smallest other cell when the total would give a small one away', () => {
    expect(shown('concernsRaised', 19, [3, 7, 9])).toEqual([19, SMALL, HIDDEN, 9]);
  });

  it('hides the whole breakdown when no other cell is enough', () => {
    expect(shown('tasksNotDone', 6, [1, 5])).toEqual([6, HIDDEN, HIDDEN]);
  });

  it('hides nothing more where the total is small itself, or the figure does not add up (people counted once a month)', () => {
    expect(shown('concernsRaised', 4, [1, 3])).toEqual([SMALL, SMALL, SMALL]);
    expect(shown('activeVolunteers', 19, [3, 7, 9])).toEqual([19, SMALL, 7, 9]);
  });

  it('leaves figures that have no meaning in a slice (null) alone', () => {
    const raw = figures({ newVolunteers: null, volunteersLeft: 2 });
    const row: SuppressedRow = { dimension: 'total', raw, shown: { ...raw } };
    suppressSmallCounts([row], []);
    expect([row.shown.newVolunteers, row.shown.volunteersLeft]).toEqual([null, SMALL]);
  });
});
