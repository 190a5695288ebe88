// Moments worth a thank-you: the first task, then round numbers. A sense that the time mattered keeps
// volunteers (the centres lost many after the pandemic).
export const TASK_MILESTONES: readonly number[] = [1, 10, 25, 50, 100];

/** The milestone reached by completing task number `doneCount`, if any. */
export function milestoneReached(doneCount: number): number | null {
  return TASK_MILESTONES.includes(doneCount) ? doneCount : null;
}
