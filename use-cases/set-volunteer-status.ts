// Staff approve, pause or remove a volunteer at their centre; a first approval there is announced to
// the volunteer. A pause or removal takes the volunteer off that centre's work at once: their open
// offers there are withdrawn, the series they hold and the tasks they have there that are not over go
// out again (staff and the caregiver who asked are told: use-cases/release-volunteer-work.ts), and they
// no longer see those tasks' details.
import type { Database } from '../infra/db.ts';
import { setCentreStanding, syncOverallStatus } from '../infra/volunteers.ts';
import type { MatchingSettings } from '../infra/requests.ts';
import type { VolunteerStatus } from '../domain/types.ts';
import { releaseVolunteerWork } from './release-volunteer-work.ts';

export async function setVolunteerStatus(
  db: Database,
  input: { memberId: string; centreId: string; status: VolunteerStatus; by: string; at: Date; matching: MatchingSettings },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const previous = await setCentreStanding(tx, input);
    if (!previous) return false;
    if (input.status === 'paused' || input.status === 'removed') {
      await releaseVolunteerWork(tx, { memberId: input.memberId, centreId: input.centreId, reason: 'volunteer_removed', at: input.at, matching: input.matching });
    }
    await syncOverallStatus(tx, input.memberId);
    return true;
  });
}
