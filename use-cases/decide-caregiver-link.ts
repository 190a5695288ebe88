// Staff confirm or reject a waiting caregiver link (or a person's own sign-up), once: the first
// decision stands, and nobody decides on a link they made themselves. Confirming releases the requests
// that waited through the normal path (use-cases/release-held-requests.ts: consent is checked again
// there); rejecting cancels them before anything went out. Who vouched for (or refused) the link is
// part of the person's access history; the caregiver hears either way, through the outbox.
import type { Database } from '../infra/db.ts';
import { audit } from '../infra/audit.ts';
import { addOutbox } from '../infra/outbox.ts';
import { recordLinkDecision } from '../infra/caregiver-links.ts';
import { cancelHeldRequests, type MatchingSettings } from '../infra/requests.ts';
import { releaseHeldRequests } from './release-held-requests.ts';

export type DecideLinkResult = { ok: true; released: number } | { ok: false; reason: 'not_found' | 'decided' };

export async function decideLink(
  db: Database,
  input: { personId: string; centreId: string; staffId: string; confirm: boolean; now: Date; matching: MatchingSettings },
): Promise<DecideLinkResult> {
  return db.transaction(async (tx): Promise<DecideLinkResult> => {
    const decision = await recordLinkDecision(tx, input);
    if (decision !== 'recorded') return { ok: false, reason: decision };
    let released = 0;
    // Held requests wait as 'waiting_consent' (not offered); the gate re-checks consent on the way out.
    if (input.confirm) released = await releaseHeldRequests(tx, { personId: input.personId, at: input.now, matching: input.matching });
    else await cancelHeldRequests(tx, { personId: input.personId, by: input.staffId, at: input.now });
    await audit(tx, { actorId: input.staffId, action: input.confirm ? 'link.confirm' : 'link.reject', personId: input.personId, at: input.now });
    await addOutbox(tx, 'link.decided', input.personId);
    return { ok: true, released };
  });
}
