// People helped who ask for themselves (issue 19). Signing up makes a member with role 'person' tied
// to their own row in `persons` — one of the centre's people like any other — with the ordinary
// consent record, basis self, recorded by themselves; where the centre confirms such people, they wait
// for staff (the same wait as a caregiver's link). `askForHelp` is the one way such a person asks,
// whatever the channel: it takes plain validated fields (domain/self-request.ts SelfRequest) from the
// chat's short form today and from the SMS dialogue next, and posts an ordinary request — for the
// asker's own person only; there is no way to name anyone else.
import { TZDate } from '@date-fns/tz';
import type { Database, Queryable } from './db.ts';
import { linkAccount, type ChatAccount } from './identities.ts';
import { insertPerson } from './persons.ts';
import { holdNewLink } from './broadcast-hold.ts';
import { interestGroups } from './centres.ts';
import { createRequest, type CreateRequestResult, type MatchingSettings } from './requests.ts';
import { selfRequestSchema, selfRequestTiming, type SelfRequest } from '../domain/self-request.ts';
import { isPlainText } from '../domain/text.ts';
import { t } from '../adaptive-cards/texts.ts';
import type { Locale } from '../domain/types.ts';
import { TIME_ZONE, osloDate } from '../domain/time-zone.ts';

/** What a person gives about themselves once, already validated (the chat's sign-up card, or the SMS dialogue). */
export interface SelfSignup {
  name: string;
  phone: string;
  address: string;
  district: string;
}

/**
 * A new person helped, with their own consent: member, chat account, person row and consent in one
 * transaction. `held`: the centre confirms people who sign up themselves, and has been asked to.
 */
export async function registerSelf(
  db: Database,
  input: { account: ChatAccount; centreId: string; person: SelfSignup; locale: Locale; at: Date; consentValidityMonths: number },
): Promise<{ memberId: string; personId: string; held: boolean }> {
  const p = input.person;
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO members (role, centre_id, name, phone, locale) VALUES ('person', $1, $2, $3, $4) RETURNING id`,
      [input.centreId, p.name, p.phone, input.locale],
    );
    const memberId = rows[0]!.id;
    await linkAccount(tx, input.account, memberId);
    const personId = await insertPerson(tx, {
      centreId: input.centreId,
      staffId: memberId,
      fields: { name: p.name, address: p.address, phone: p.phone, district: p.district, notes: null, consentBasis: 'self', consentRelation: null, consentDate: osloDate(input.at) },
      at: input.at,
      consentValidityMonths: input.consentValidityMonths,
    });
    await tx.query('UPDATE members SET person_id = $2 WHERE id = $1', [memberId, personId]);
    const held = await holdNewLink(tx, personId, input.centreId, 'self');
    return { memberId, personId, held };
  });
}

/** The person a member of role 'person' is, or null (another role, or gone). */
export async function ownPerson(db: Queryable, memberId: string): Promise<{ personId: string; centreId: string; district: string; erased: boolean } | null> {
  const rows = await db.query<{ id: string; centre_id: string; district: string; erased_at: Date | null }>(
    `SELECT p.id, p.centre_id, p.district, p.erased_at FROM members m JOIN persons p ON p.id = m.person_id
      WHERE m.id = $1 AND m.role = 'person' AND m.left_at IS NULL`,
    [memberId],
  );
  const r = rows[0];
  return r ? { personId: r.id, centreId: r.centre_id, district: r.district, erased: r.erased_at !== null } : null;
}

/** The interest groups a person's centre offers: which plain-words kinds they may ask for. */
export async function offeredGroups(db: Queryable, centreId: string): Promise<Set<string>> {
  return new Set((await interestGroups(db, [centreId])).map((g) => g.key));
}

export type AskForHelpResult =
  | (Extract<CreateRequestResult, { ok: true }> & { group: string; startsAt: Date; flexibleUntil: Date | null })
  /**
   * 'invalid': not a SelfRequest; 'gone': no person of theirs any more (erased); 'unavailable': their
   * centre has no group for that kind; 'past' / 'day_not_offered': the time cannot be asked for.
   */
  | { ok: false; problem: 'invalid' | 'gone' | 'unavailable' | 'past' | 'day_not_offered' };

/**
 * A person helped asks for help for themselves: the request is theirs (created by them, about their
 * own person), offered like any other — redacted, to the interest group the kind maps to — and held
 * while their consent or staff's confirmation is missing. `locale`: the language of the offer's
 * public summary.
 */
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
  const start = new TZDate(timing.startsAt.getTime(), TIME_ZONE);
  const result = await createRequest(db, {
    centreId: person.centreId,
    createdBy: input.memberId,
    fields: {
      personId: person.personId,
      group: timing.group,
      date: osloDate(timing.startsAt),
      time: `${String(start.getHours()).padStart(2, '0')}:${String(start.getMinutes()).padStart(2, '0')}`,
      durationMinutes: timing.durationMinutes,
      flexibleUntilTime: null,
      district: person.district,
      meetingPlace: null,
      // Public: what, in the person's own words — never who.
      summary: t(input.locale, 'self.summary', { what: t(input.locale, `self.kind.${request.kind}`) }),
      handoverNote: request.note,
      contactName: null,
      contactPhone: null,
      language: null,
      policeCertificate: false,
      firstTimeFriendly: false,
      staffAlong: false,
      urgent: false,
    },
    source: 'chat',
    now: input.now,
    matching: input.matching,
    window: { startsAt: timing.startsAt, flexibleUntil: timing.flexibleUntil },
  });
  if (!result.ok) return { ok: false, problem: 'past' };
  return { ...result, group: timing.group, startsAt: timing.startsAt, flexibleUntil: timing.flexibleUntil };
}
