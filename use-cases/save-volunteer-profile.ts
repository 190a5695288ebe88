// Creates the volunteer or updates the profile. Approval is per centre: at each centre they join — at
// sign-up or later from the profile form — they wait for that centre's staff unless it approves
// automatically. A centre they leave releases their work there (use-cases/release-volunteer-work.ts);
// a centre that removed them keeps the record, so ticking it again does not put them back in its queue.
import type { Database } from '../infra/db.ts';
import { joinCentres, saveProfileRows } from '../infra/volunteers.ts';
import type { MatchingSettings } from '../infra/requests.ts';
import { releaseVolunteerWork } from './release-volunteer-work.ts';

export async function saveVolunteerProfile(
  db: Database,
  input: Parameters<typeof saveProfileRows>[1] & { matching: MatchingSettings },
): Promise<{ memberId: string; created: boolean; joined: string[] }> {
  return db.transaction(async (tx) => {
    const { memberId, created, left } = await saveProfileRows(tx, input);
    for (const centreId of left) await releaseVolunteerWork(tx, { memberId, centreId, reason: 'volunteer_left', at: input.at, matching: input.matching });
    const joined = await joinCentres(tx, memberId, input.centres, input.at);
    return { memberId, created, joined };
  });
}
