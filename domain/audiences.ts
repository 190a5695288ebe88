// Who receives which notice: the one rule every sender asks. jobs/recipients.ts turns it into the
// members (and staff channel) a notice goes to; jobs/send.ts refuses a notice to anyone whose role is
// outside its audience. Staff-only notices carry what only a centre's staff may know — a volunteer's
// concern about a person, names and phones of volunteers who could not be reached, a typed cancel
// reason, a call list — so they never reach a caregiver, a person helped or a volunteer. Whoever asked
// for a visit and is not staff — a caregiver, or the person helped asking for themselves (issue 19) —
// gets their own notices in plain words (a volunteer's first name, never a reason, surname or phone
// unless shared).
import type { Role } from './types.ts';

/** 'asker': who asked for the visit and is not staff — a caregiver, or the person helped themselves. */
export type Audience = 'staff' | 'volunteer' | 'asker';

/**
 * Which staff hear a staff notice:
 * - 'responsible': the staff member who posted the request (or recorded the consent); when that is
 *   not a staff member of the centre we can reach — a caregiver, a case system posting through the
 *   API, someone who left — the centre's coordinators and its Teams staff channel instead.
 * - 'centre': every staff member of the centre: any of them may act (a caregiver's feedback, a link
 *   to verify, the staff channel lost).
 * - 'coordinators': the centre's coordinators (the weekly figures).
 */
export type StaffScope = 'responsible' | 'centre' | 'coordinators';

/** What a notice's ref id names; the recipients are found from it. */
export type NoticeRef = 'request' | 'assignment' | 'concern' | 'consent' | 'feedback' | 'person' | 'centre' | 'series' | 'member' | 'declaration';

export interface NoticeRule {
  audience: Audience;
  ref: NoticeRef;
  /** Staff notices only. */
  scope?: StaffScope;
  /** Staff notices: posted to the staff channel even when the responsible staff member gets it (so a colleague can step in). */
  alsoChannel?: true;
  /**
   * Staff notices whose text holds more than a whole team should read (a concern, volunteers' phones,
   * a typed reason, the person's name): in the shared staff channel they say only that it happened,
   * with the public facts; the coordinators get the full notice in their own chat.
   */
  redactedInChannel?: true;
  /**
   * A card that asks staff to act on an open request (the escalation): where it was shown is kept, and
   * it is drawn again without its buttons once the request is settled, so it never asks for help
   * that is no longer needed.
   */
  redrawnWhenSettled?: true;
}

/** Every notice Dugnad sends one person, with its audience. docs/privacy.md lists the same table. */
export const NOTICES = {
  'staff.requestTaken': { audience: 'staff', ref: 'assignment', scope: 'responsible' },
  'staff.assignmentCancelled': { audience: 'staff', ref: 'assignment', scope: 'responsible', redactedInChannel: true },
  'staff.notConfirmed': { audience: 'staff', ref: 'assignment', scope: 'responsible' },
  'staff.concern': { audience: 'staff', ref: 'concern', scope: 'responsible', redactedInChannel: true },
  'staff.expired': { audience: 'staff', ref: 'request', scope: 'responsible' },
  'staff.escalation': { audience: 'staff', ref: 'request', scope: 'responsible', alsoChannel: true, redrawnWhenSettled: true },
  'staff.unreachable': { audience: 'staff', ref: 'request', scope: 'responsible', redactedInChannel: true },
  'staff.consentRenewal': { audience: 'staff', ref: 'consent', scope: 'responsible', redactedInChannel: true },
  'staff.seriesTaken': { audience: 'staff', ref: 'series', scope: 'responsible' },
  'staff.seriesLeft': { audience: 'staff', ref: 'series', scope: 'responsible' },
  'staff.feedback': { audience: 'staff', ref: 'feedback', scope: 'centre' },
  'staff.linkVerify': { audience: 'staff', ref: 'person', scope: 'centre' },
  'staff.channelUnreachable': { audience: 'staff', ref: 'centre', scope: 'centre' },
  'staff.digest': { audience: 'staff', ref: 'centre', scope: 'coordinators' },
  // ref: the volunteer whose politiattest runs out; to their centres' coordinators (jobs/upkeep.ts).
  'staff.policeExpiring': { audience: 'staff', ref: 'member', scope: 'coordinators' },
  'volunteer.requestCancelled': { audience: 'volunteer', ref: 'request' },
  'volunteer.approved': { audience: 'volunteer', ref: 'member' },
  'volunteer.declarationUpdate': { audience: 'volunteer', ref: 'declaration' },
  'volunteer.policeExpiring': { audience: 'volunteer', ref: 'member' },
  'volunteer.reminder': { audience: 'volunteer', ref: 'assignment' },
  'volunteer.followUp': { audience: 'volunteer', ref: 'assignment' },
  'volunteer.seriesCancelled': { audience: 'volunteer', ref: 'series' },
  'volunteer.seriesMoved': { audience: 'volunteer', ref: 'series' },
  'caregiver.taken': { audience: 'asker', ref: 'assignment' },
  'caregiver.volunteerCancelled': { audience: 'asker', ref: 'assignment' },
  'caregiver.expired': { audience: 'asker', ref: 'request' },
  'caregiver.reminder': { audience: 'asker', ref: 'assignment' },
  'caregiver.feedback': { audience: 'asker', ref: 'assignment' },
  'caregiver.linkDecided': { audience: 'asker', ref: 'person' },
  'caregiver.seriesTaken': { audience: 'asker', ref: 'series' },
  'caregiver.seriesLeft': { audience: 'asker', ref: 'series' },
} as const satisfies Record<string, NoticeRule>;

export type NoticeKind = keyof typeof NOTICES;
/** The notices that may also go to a centre's Teams staff channel (read by the centre's whole staff). */
export type StaffNoticeKind = { [K in NoticeKind]: (typeof NOTICES)[K]['audience'] extends 'staff' ? K : never }[NoticeKind];

export const NOTICE_KINDS = Object.keys(NOTICES) as NoticeKind[];

export function isNoticeKind(value: string): value is NoticeKind {
  return Object.prototype.hasOwnProperty.call(NOTICES, value);
}

export function audienceOf(kind: NoticeKind): Audience {
  return NOTICES[kind].audience;
}

/** In a channel a whole team reads, this notice says only that it happened (see NoticeRule.redactedInChannel). */
export function redactedInChannel(kind: NoticeKind): boolean {
  const rule: NoticeRule = NOTICES[kind];
  return rule.redactedInChannel === true;
}

/** Its card is drawn again once its request is settled (see NoticeRule.redrawnWhenSettled). */
export function redrawnWhenSettled(kind: NoticeKind): boolean {
  const rule: NoticeRule = NOTICES[kind];
  return rule.redrawnWhenSettled === true;
}

/** The roles each audience is: the one table mayReceive reads. */
export const AUDIENCE_ROLES: Readonly<Record<Audience, readonly Role[]>> = {
  staff: ['staff', 'coordinator'],
  volunteer: ['volunteer'],
  asker: ['caregiver', 'person'],
};

/** The last check before a notice is rendered: may someone in this role receive it at all? */
export function mayReceive(kind: NoticeKind, role: Role): boolean {
  return AUDIENCE_ROLES[audienceOf(kind)].includes(role);
}

/** The party a notice's subject belongs to: who posted the request, recorded the consent, made the link, has the task. */
export interface Party {
  memberId: string;
  role: Role;
  /** Staff: their centre; volunteers: the centres they belong to. */
  centreIds: readonly string[];
  /** Whether any chat we can send to is on record for them (a case system has none). */
  reachable: boolean;
}

export interface CentreStaff {
  coordinators: readonly string[];
  /** Every staff member and coordinator of the centre. */
  staff: readonly string[];
}

export interface Recipients {
  members: string[];
  /** Post it to the centre's Teams staff channel as well (when one is linked). */
  staffChannel: boolean;
}

/**
 * Who a notice about a subject of `centreId` goes to. Askers' and volunteer notices go to the party
 * only, and only when the party has that role: a staff member who posted for a caregiver who phoned
 * gets no caregiver wording, a caregiver or a person helped never a staff notice.
 */
export function recipientsOf(kind: NoticeKind, subject: { centreId: string; party: Party | null }, centre: CentreStaff): Recipients {
  const rule: NoticeRule = NOTICES[kind];
  const { party } = subject;
  if (rule.audience !== 'staff') {
    return { members: party && mayReceive(kind, party.role) ? [party.memberId] : [], staffChannel: false };
  }
  const coordinators = centre.coordinators.length > 0 ? [...centre.coordinators] : [...centre.staff];
  switch (rule.scope) {
    case 'coordinators':
      return { members: coordinators, staffChannel: false };
    case 'centre':
      return { members: [...centre.staff], staffChannel: false };
    default: {
      const responsible = party !== null && mayReceive(kind, party.role) && party.centreIds.includes(subject.centreId) && party.reachable;
      if (responsible) return { members: [party.memberId], staffChannel: rule.alsoChannel === true };
      return { members: coordinators, staffChannel: true };
    }
  }
}
