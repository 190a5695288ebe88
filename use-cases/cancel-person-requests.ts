// Consent withdrawn (use-cases/withdraw-consent.ts) or the person erased (use-cases/erase-person.ts):
// every consent on file ends, and what has not started stops — one rule for both
// (domain/lifecycle.ts stopsWhenPersonLeaves). A visit already under way stays as it is, with its
// volunteer and its hours. The volunteers of what stopped are told without details, through the
// outbox; a series' volunteer once for the series.
import type { Queryable } from '../infra/db.ts';
import { addOutbox } from '../infra/outbox.ts';
import { endConsentsOf } from '../infra/consent-lifecycle.ts';
import { closeCancelledRequests, liveRequestsOfPerson, markRequestsCancelled } from '../infra/requests.ts';
import { cancelSeriesOfVisits } from '../infra/series.ts';
import { stopsWhenPersonLeaves } from '../domain/lifecycle.ts';

/** Runs inside the caller's transaction; returns the requests cancelled. */
export async function cancelPersonRequests(tx: Queryable, input: { personId: string; by: string; at: Date }): Promise<string[]> {
  await endConsentsOf(tx, input.personId, input.at);
  const ids = (await liveRequestsOfPerson(tx, input.personId)).filter((r) => stopsWhenPersonLeaves(r, input.at)).map((r) => r.id);
  if (ids.length === 0) return [];
  await markRequestsCancelled(tx, ids, input);
  await closeCancelledRequests(tx, ids, input.at);
  // A series' volunteer hears once for the series, not once per visit.
  const bySeries = await cancelSeriesOfVisits(tx, ids, input.at);
  for (const id of ids) if (!bySeries.has(id)) await addOutbox(tx, 'request.cancelled', id);
  return ids;
}
