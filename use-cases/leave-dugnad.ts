// A volunteer leaves Dugnad: their work goes back everywhere (use-cases/release-volunteer-work.ts: open
// offers withdrawn, upcoming assignments cancelled so requests go out again), then their profile and
// personal data are deleted (infra/volunteers.ts forgetVolunteer); offers and assignments stay as
// anonymous history. One transaction.
import type { Database } from '../infra/db.ts';
import { forgetVolunteer } from '../infra/volunteers.ts';
import type { MatchingSettings } from '../infra/requests.ts';
import { releaseVolunteerWork } from './release-volunteer-work.ts';

export async function leave(db: Database, memberId: string, at: Date, matching: MatchingSettings): Promise<{ reopenedRequestIds: string[] }> {
  return db.transaction(async (tx) => {
    const released = await releaseVolunteerWork(tx, { memberId, centreId: null, reason: 'volunteer_left', at, matching });
    await forgetVolunteer(tx, memberId, at);
    return { reopenedRequestIds: released };
  });
}
