// What a volunteer has given: tasks done and hours, this year (Europe/Oslo) and in all.
import { TZDate } from '@date-fns/tz';
import type { Queryable } from './db.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

export interface Contribution {
  tasksThisYear: number;
  hoursThisYear: number;
  tasksInAll: number;
  hoursInAll: number;
  milestoneMessages: boolean;
}

export async function contributionOf(db: Queryable, volunteerId: string, now: Date): Promise<Contribution> {
  const year = new TZDate(now.getTime(), TIME_ZONE).getFullYear();
  const yearStart = new Date(new TZDate(year, 0, 1, 0, 0, 0, TIME_ZONE).getTime());
  const rows = await db.query<{ tasks_year: number; hours_year: string | null; tasks_all: number; hours_all: string | null; milestones: boolean | null }>(
    `SELECT count(*) FILTER (WHERE r.starts_at >= $2)::int AS tasks_year,
            sum(a.hours) FILTER (WHERE r.starts_at >= $2) AS hours_year,
            count(*)::int AS tasks_all, sum(a.hours) AS hours_all,
            (SELECT milestone_messages FROM volunteers WHERE member_id = $1) AS milestones
       FROM assignments a JOIN help_requests r ON r.id = a.request_id
      WHERE a.volunteer_id = $1 AND a.outcome = 'done'`,
    [volunteerId, yearStart],
  );
  const r = rows[0]!;
  return {
    tasksThisYear: r.tasks_year,
    hoursThisYear: Number(r.hours_year ?? 0),
    tasksInAll: r.tasks_all,
    hoursInAll: Number(r.hours_all ?? 0),
    milestoneMessages: r.milestones ?? true,
  };
}

export async function setMilestoneMessages(db: Queryable, volunteerId: string, on: boolean): Promise<void> {
  await db.query('UPDATE volunteers SET milestone_messages = $2 WHERE member_id = $1', [volunteerId, on]);
}
