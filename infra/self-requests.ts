// People helped who ask for themselves (issue 19): the rows and reads behind signing up
// (use-cases/register-self.ts) and asking (use-cases/ask-for-help.ts). A person who signs up is a
// member with role 'person' tied to their own row in `persons` — one of the centre's people like any
// other; what they ask for becomes an ordinary request about their own person only.
import { TZDate } from '@date-fns/tz';
import type { Queryable } from './db.ts';
import { interestGroups } from './centres.ts';
import type { SelfRequest } from '../domain/self-request.ts';
import type { HelpRequestFields } from '../adaptive-cards/actions.ts';
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

/** The member a person helped becomes when they sign up themselves (use-cases/register-self.ts). */
export async function insertSelfMember(tx: Queryable, input: { centreId: string; person: SelfSignup; locale: Locale }): Promise<string> {
  const p = input.person;
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO members (role, centre_id, name, phone, locale) VALUES ('person', $1, $2, $3, $4) RETURNING id`,
    [input.centreId, p.name, p.phone, input.locale],
  );
  return rows[0]!.id;
}

/** The member is the person: their own row in `persons`. */
export async function tieMemberToPerson(tx: Queryable, memberId: string, personId: string): Promise<void> {
  await tx.query('UPDATE members SET person_id = $2 WHERE id = $1', [memberId, personId]);
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

/**
 * The ordinary request's fields for what a person asked for themselves (use-cases/ask-for-help.ts):
 * their own person, the group the kind maps to, the time the domain worked out, and a public summary
 * in `locale` that says what, in the person's own words — never who.
 */
export function ownRequestFields(
  person: { personId: string; district: string },
  request: SelfRequest,
  timing: { group: string; startsAt: Date; durationMinutes: number },
  locale: Locale,
): HelpRequestFields {
  const start = new TZDate(timing.startsAt.getTime(), TIME_ZONE);
  return {
    personId: person.personId,
    group: timing.group,
    date: osloDate(timing.startsAt),
    time: `${String(start.getHours()).padStart(2, '0')}:${String(start.getMinutes()).padStart(2, '0')}`,
    durationMinutes: timing.durationMinutes,
    flexibleUntilTime: null,
    district: person.district,
    meetingPlace: null,
    // Public: what, in the person's own words — never who.
    summary: t(locale, 'self.summary', { what: t(locale, `self.kind.${request.kind}`) }),
    handoverNote: request.note,
    contactName: null,
    contactPhone: null,
    language: null,
    policeCertificate: false,
    firstTimeFriendly: false,
    staffAlong: false,
    urgent: false,
  };
}
