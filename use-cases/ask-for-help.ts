// A person helped asks for help for themselves (issue 19), whatever the channel: plain validated
// fields (domain/self-request.ts SelfRequest) from the chat's short form or the SMS dialogue become an
// ordinary request (use-cases/post-request.ts) — for the asker's own person only; there is no way to
// name anyone else. It is offered like any other — redacted, to the interest group the kind maps to —
// and held while their consent or staff's confirmation is missing.
import type { Database } from '../infra/db.ts';
import { offeredGroups, ownPerson, ownRequestFields } from '../infra/self-requests.ts';
import type { MatchingSettings } from '../infra/requests.ts';
import { selfRequestSchema, selfRequestTiming, type SelfRequest } from '../domain/self-request.ts';
import { isPlainText } from '../domain/text.ts';
import type { Locale } from '../domain/types.ts';
import { postRequest, type PostRequestResult } from './post-request.ts';

export type AskForHelpResult =
  | (Extract<PostRequestResult, { ok: true }> & { group: string; startsAt: Date; flexibleUntil: Date | null })
  /**
   * 'invalid': not a SelfRequest; 'gone': no person of theirs any more (erased); 'unavailable': their
   * centre has no group for that kind; 'past' / 'day_not_offered': the time cannot be asked for.
   */
  | { ok: false; problem: 'invalid' | 'gone' | 'unavailable' | 'past' | 'day_not_offered' };

/** `locale`: the language of the offer's public summary. */
export async function askForHelp(
  db: Database,
  input: { memberId: string; request: SelfRequest; locale: Locale; now: Date; matching: MatchingSettings },
): Promise<AskForHelpResult> {
  const parsed = selfRequestSchema.safeParse(input.request);
  if (!parsed.success || (parsed.data.note !== null && !isPlainText(parsed.data.note))) return { ok: false, problem: 'invalid' };
  const request = parsed.data;
  const person = await ownPerson(db, input.memberId);
  if (!person || person.erased) return { ok: false, problem: 'gone' };
  const timing = selfRequestTiming(request, input.now);
  if (typeof timing === 'string') return { ok: false, problem: timing };
  if (!(await offeredGroups(db, person.centreId)).has(timing.group)) return { ok: false, problem: 'unavailable' };
  const result = await postRequest(db, {
    centreId: person.centreId,
    createdBy: input.memberId,
    fields: ownRequestFields(person, request, timing, input.locale),
    source: 'chat',
    now: input.now,
    matching: input.matching,
    window: { startsAt: timing.startsAt, flexibleUntil: timing.flexibleUntil },
  });
  if (!result.ok) return { ok: false, problem: 'past' };
  return { ...result, group: timing.group, startsAt: timing.startsAt, flexibleUntil: timing.flexibleUntil };
}
