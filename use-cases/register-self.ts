// A person who needs a hand signs up themselves (issue 19; the chat's sign-up card or the SMS
// dialogue): a member with role 'person', their chat account, their own row in `persons` — one of the
// centre's people like any other — with the ordinary consent record, basis self, recorded by
// themselves. Where the centre confirms such people, they wait for staff (the same wait as a
// caregiver's link: infra/broadcast-hold.ts holdNewLink, which tells staff through the outbox).
// One transaction.
import type { Database } from '../infra/db.ts';
import { linkAccount, type ChatAccount } from '../infra/identities.ts';
import { insertPerson } from '../infra/persons.ts';
import { holdNewLink } from '../infra/broadcast-hold.ts';
import { insertSelfMember, tieMemberToPerson, type SelfSignup } from '../infra/self-requests.ts';
import type { Locale } from '../domain/types.ts';
import { osloDate } from '../domain/time-zone.ts';

/** `held`: the centre confirms people who sign up themselves, and has been asked to. */
export async function registerSelf(
  db: Database,
  input: { account: ChatAccount; centreId: string; person: SelfSignup; locale: Locale; at: Date; consentValidityMonths: number },
): Promise<{ memberId: string; personId: string; held: boolean }> {
  const p = input.person;
  return db.transaction(async (tx) => {
    const memberId = await insertSelfMember(tx, input);
    await linkAccount(tx, input.account, memberId);
    const personId = await insertPerson(tx, {
      centreId: input.centreId,
      staffId: memberId,
      fields: { name: p.name, address: p.address, phone: p.phone, district: p.district, notes: null, consentBasis: 'self', consentRelation: null, consentDate: osloDate(input.at) },
      at: input.at,
      consentValidityMonths: input.consentValidityMonths,
    });
    await tieMemberToPerson(tx, memberId, personId);
    const held = await holdNewLink(tx, personId, input.centreId, 'self');
    return { memberId, personId, held };
  });
}
