// A fagsystem posts a request over the integration API (bot/api.ts): the person is registered on the
// system's behalf and the request — or a weekly series — posted, in one transaction, so a request the
// rules refuse leaves no person behind. A post with a reference the system already used gets the id
// it made the first time, also when two such posts race (the unique index decides).
import { joinedTransaction, type Database, type Queryable } from '../infra/db.ts';
import { systemMember } from '../infra/api-clients.ts';
import { registerPerson } from '../infra/persons.ts';
import { apiRequestWithRef, type MatchingSettings } from '../infra/requests.ts';
import type { SeriesRule } from '../domain/series.ts';
import { postRequest, type PostRequestResult } from './post-request.ts';
import { createSeries, type CreateSeriesResult } from './create-series.ts';

export type SystemPost =
  | { ok: true; created: Extract<PostRequestResult, { ok: true }> | Extract<CreateSeriesResult, { ok: true }> }
  | { ok: false; problem: 'duplicate'; existingId: string }
  /** The request's (or the series rule's) fields the rules refused, by field. */
  | { ok: false; problem: 'invalid'; errors: Record<string, string> };

type Failure = Extract<SystemPost, { ok: false }>;

class Refused extends Error {
  constructor(readonly failure: Failure) {
    super(failure.problem);
  }
}

export async function postFromSystem(
  db: Database,
  input: {
    system: string;
    centreId: string;
    /** Already prefixed with the system's name; null when the system gave none. */
    externalRef: string | null;
    person: Parameters<typeof registerPerson>[1]['fields'];
    request: Omit<Parameters<typeof postRequest>[1]['fields'], 'personId'>;
    rule: Omit<SeriesRule, 'firstDate' | 'time'> | null;
    now: Date;
    consentValidityMonths: number;
    matching: MatchingSettings;
  },
): Promise<SystemPost> {
  const posted = async (q: Queryable) => (input.externalRef ? apiRequestWithRef(q, input.externalRef) : null);
  try {
    return await db.transaction(async (tx): Promise<SystemPost> => {
      const shared = joinedTransaction(tx, db.kind);
      // Before the request's own checks: a retry of a post that went through gets its id back, even
      // when the time it asked for has passed since.
      const dup = await posted(tx);
      if (dup) return { ok: false, problem: 'duplicate', existingId: dup };
      const staffId = await systemMember(tx, input.system, input.centreId);
      const { personId } = await registerPerson(shared, { centreId: input.centreId, staffId, fields: input.person, at: input.now, consentValidityMonths: input.consentValidityMonths });
      const common = {
        centreId: input.centreId, createdBy: staffId, fields: { ...input.request, personId }, source: 'api' as const,
        externalRef: input.externalRef, now: input.now, matching: input.matching,
      };
      const created = input.rule ? await createSeries(shared, { ...common, rule: input.rule }) : await postRequest(shared, common);
      // Refused: the person registered a moment ago goes too.
      if (!created.ok) throw new Refused({ ok: false, problem: 'invalid', errors: created.errors });
      return { ok: true, created };
    });
  } catch (err) {
    if (err instanceof Refused) return err.failure;
    // Two posts of the same reference at once: the unique index decides, the loser gets the winner's id.
    if ((err as { code?: string }).code === '23505' && input.externalRef) {
      const id = await posted(db);
      if (id) return { ok: false, problem: 'duplicate', existingId: id };
    }
    throw err;
  }
}
