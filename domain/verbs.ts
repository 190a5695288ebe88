// Every card verb, declared once: who may use it (by role; data scoping — own tasks, own centre — is
// enforced by the queries the commands run), whether it only shows something, and whether it may be
// answered where a whole team reads along. adaptive-cards/actions.ts gives each verb its payload, the
// bot's command tables a handler; test/unit/verbs.test.ts checks that the three name the same verbs.
import type { Role } from './types.ts';

/** null = someone we don't know yet (may only see the menu and sign up). */
export type Actor = Role | null;

export interface VerbDeclaration {
  /** Who may use the verb. */
  roles: readonly Actor[];
  /** It shows something and changes nothing: nothing was written to the outbox, so no look for it. */
  readOnly: boolean;
  /**
   * It may be answered in a Teams channel or group chat, where everyone reads the answer: the menu,
   * the channel's own card, and the escalation card's buttons (public request facts). Everything else
   * shows someone's details — a person helped, a volunteer's task or phone — and belongs in the
   * personal chat.
   */
  shared: boolean;
}

const EVERYONE: readonly Actor[] = [null, 'volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'];
const VOLUNTEER: readonly Actor[] = ['volunteer'];
const STAFF: readonly Actor[] = ['staff', 'coordinator', 'admin'];
const CAREGIVER: readonly Actor[] = ['caregiver'];
/**
 * Who asked for a visit and follows it: a caregiver for someone they care for, or a person helped for
 * themselves (issue 19). Each only ever sees and acts on the requests they made (the queries check).
 */
const ASKER: readonly Actor[] = ['caregiver', 'person'];
/** A person helped who signed up themselves: they ask for themselves only, never for anyone else. */
const PERSON: readonly Actor[] = ['person'];
/**
 * Innsyn and erasure of a person helped: staff and coordinators (of the person's centre — the
 * commands check that). Not admins: running the system is no reason to read about a person.
 */
const PRIVACY: readonly Actor[] = ['staff', 'coordinator'];
/** Push notifications: every member (the commands only ever touch the person's own devices). */
const PUSH: readonly Actor[] = ['volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'];

export const VERBS = {
  'menu.show': { roles: EVERYONE, readOnly: true, shared: true },
  // Everyone we know gets their own data (GDPR art. 15); someone unknown has none to get.
  'privacy.mine': { roles: ['volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'], readOnly: true, shared: false },
  'volunteer.signup.start': { roles: [null, 'volunteer'], readOnly: true, shared: false },
  'volunteer.signup.submit': { roles: [null, 'volunteer'], readOnly: false, shared: false },
  'declaration.show': { roles: VOLUNTEER, readOnly: true, shared: false },
  'declaration.sign': { roles: VOLUNTEER, readOnly: false, shared: false },
  'volunteer.status': { roles: VOLUNTEER, readOnly: true, shared: false },
  'volunteer.pause': { roles: VOLUNTEER, readOnly: false, shared: false },
  'volunteer.resume': { roles: VOLUNTEER, readOnly: false, shared: false },
  'volunteer.leave': { roles: VOLUNTEER, readOnly: true, shared: false },
  'volunteer.leave.confirm': { roles: VOLUNTEER, readOnly: false, shared: false },
  'offer.accept': { roles: VOLUNTEER, readOnly: false, shared: false },
  'offer.decline': { roles: VOLUNTEER, readOnly: false, shared: false },
  'tasks.mine': { roles: VOLUNTEER, readOnly: true, shared: false },
  'assignment.cancel.start': { roles: VOLUNTEER, readOnly: true, shared: false },
  'assignment.cancel.submit': { roles: VOLUNTEER, readOnly: false, shared: false },
  'staff.request.new': { roles: STAFF, readOnly: true, shared: false },
  'staff.request.submit': { roles: STAFF, readOnly: false, shared: false },
  'staff.person.new': { roles: STAFF, readOnly: true, shared: false },
  'staff.person.submit': { roles: STAFF, readOnly: false, shared: false },
  'staff.requests.list': { roles: STAFF, readOnly: true, shared: true },
  'staff.requests.more': { roles: STAFF, readOnly: true, shared: true },
  'staff.request.cancel': { roles: STAFF, readOnly: false, shared: true },
  'staff.volunteers.list': { roles: STAFF, readOnly: true, shared: false },
  'staff.volunteers.more': { roles: STAFF, readOnly: true, shared: false },
  'staff.volunteer.approve': { roles: STAFF, readOnly: false, shared: false },
  'staff.volunteer.pause': { roles: STAFF, readOnly: false, shared: false },
  'staff.volunteer.remove': { roles: STAFF, readOnly: false, shared: false },
  'staff.volunteer.police': { roles: STAFF, readOnly: false, shared: false },
  // Interest groups shape what every volunteer of the centre is offered: the coordinator's call.
  'staff.groups.list': { roles: ['coordinator', 'admin'], readOnly: true, shared: false },
  'volunteer.contribution': { roles: VOLUNTEER, readOnly: true, shared: false },
  'volunteer.milestones': { roles: VOLUNTEER, readOnly: false, shared: false },
  'caregiver.signup.start': { roles: [null], readOnly: true, shared: false },
  'caregiver.signup.submit': { roles: [null], readOnly: false, shared: false },
  'caregiver.person.new': { roles: CAREGIVER, readOnly: true, shared: false },
  'caregiver.person.submit': { roles: CAREGIVER, readOnly: false, shared: false },
  'caregiver.request.new': { roles: CAREGIVER, readOnly: true, shared: false },
  'caregiver.request.submit': { roles: CAREGIVER, readOnly: false, shared: false },
  'caregiver.requests.list': { roles: ASKER, readOnly: true, shared: false },
  'caregiver.request.cancel': { roles: ASKER, readOnly: false, shared: false },
  'caregiver.visit.confirm': { roles: ASKER, readOnly: false, shared: false },
  // Formal respite and short stays are the allocation office's decision, whoever asks about them.
  'caregiver.formalRespite': { roles: ASKER, readOnly: true, shared: false },
  'staff.group.save': { roles: ['coordinator', 'admin'], readOnly: false, shared: false },
  'assignment.confirm': { roles: VOLUNTEER, readOnly: false, shared: false },
  'assignment.done': { roles: VOLUNTEER, readOnly: false, shared: false },
  'assignment.notDone': { roles: VOLUNTEER, readOnly: false, shared: false },
  'concern.report': { roles: VOLUNTEER, readOnly: false, shared: false },
  'staff.request.widen': { roles: STAFF, readOnly: false, shared: true },
  'staff.request.relax': { roles: STAFF, readOnly: false, shared: true },
  'staff.request.callList': { roles: STAFF, readOnly: true, shared: false },
  'staff.consent.renew': { roles: STAFF, readOnly: false, shared: false },
  'staff.consent.withdraw': { roles: STAFF, readOnly: false, shared: false },
  'staff.privacy.persons': { roles: PRIVACY, readOnly: false, shared: false },
  'staff.person.export': { roles: PRIVACY, readOnly: false, shared: false },
  'staff.person.erase': { roles: PRIVACY, readOnly: false, shared: false },
  'staff.person.erase.confirm': { roles: PRIVACY, readOnly: false, shared: false },
  // --- series (issue 5) ---
  'staff.series.cancel': { roles: STAFF, readOnly: true, shared: false },
  'staff.series.cancel.confirm': { roles: STAFF, readOnly: false, shared: false },
  'staff.series.edit.start': { roles: STAFF, readOnly: true, shared: false },
  'staff.series.edit.submit': { roles: STAFF, readOnly: false, shared: false },
  'series.details': { roles: VOLUNTEER, readOnly: true, shared: false },
  'series.accept': { roles: VOLUNTEER, readOnly: false, shared: false },
  'series.decline': { roles: VOLUNTEER, readOnly: false, shared: false },
  'series.leave.start': { roles: VOLUNTEER, readOnly: true, shared: false },
  'series.leave.confirm': { roles: VOLUNTEER, readOnly: false, shared: false },
  'caregiver.series.cancel': { roles: CAREGIVER, readOnly: true, shared: false },
  'caregiver.series.cancel.confirm': { roles: CAREGIVER, readOnly: false, shared: false },
  'series.list': { roles: VOLUNTEER, readOnly: true, shared: false },
  'caregiver.series.edit.start': { roles: CAREGIVER, readOnly: true, shared: false },
  'caregiver.series.edit.submit': { roles: CAREGIVER, readOnly: false, shared: false },
  // --- caregiver feedback, link verification, phone sharing (issue 5) ---
  'caregiver.feedback': { roles: ASKER, readOnly: false, shared: false },
  // A link is judged by the centre's staff; the caregiver who made it never can (the query checks too).
  'staff.link.confirm': { roles: ['staff', 'coordinator'], readOnly: false, shared: false },
  'staff.link.reject': { roles: ['staff', 'coordinator'], readOnly: false, shared: false },
  // Whether the centre verifies caregivers at all is the coordinator's call, like interest groups.
  'staff.link.settings': { roles: ['coordinator'], readOnly: true, shared: false },
  'staff.link.setting': { roles: ['coordinator'], readOnly: false, shared: false },
  'volunteer.sharePhone': { roles: VOLUNTEER, readOnly: false, shared: false },
  // --- Teams staff channel and per-user views (issue 6) ---
  'offer.details': { roles: VOLUNTEER, readOnly: true, shared: false },
  // Where one's own messages go: a volunteer's offers, an asker's notices (issue 19).
  'volunteer.channel': { roles: [...VOLUNTEER, ...ASKER], readOnly: false, shared: false },
  'asker.channels': { roles: ASKER, readOnly: true, shared: false },
  'staff.channel.show': { roles: STAFF, readOnly: true, shared: true },
  'staff.channel.link': { roles: STAFF, readOnly: false, shared: true },
  'staff.channel.unlink': { roles: STAFF, readOnly: false, shared: true },
  // --- web chat push notifications (issue 15): anyone with a role may be told on their phone ---
  'push.enable': { roles: PUSH, readOnly: false, shared: false },
  'push.disable': { roles: PUSH, readOnly: false, shared: false },
  'push.status': { roles: PUSH, readOnly: true, shared: false },
  // --- issue 18 ---
  // Anyone may use an invitation: it is what makes an imported volunteer's chat account theirs.
  'invitation.accept': { roles: EVERYONE, readOnly: false, shared: false },
  // A volunteer's own tasks, or for staff their centre's requests, as a calendar feed.
  'calendar.show': { roles: ['volunteer', 'staff', 'coordinator'], readOnly: true, shared: false },
  'calendar.create': { roles: ['volunteer', 'staff', 'coordinator'], readOnly: false, shared: false },
  // How long a politiattest counts and which groups require one: the coordinator's call.
  'staff.police.settings': { roles: ['coordinator'], readOnly: true, shared: false },
  'staff.police.save': { roles: ['coordinator'], readOnly: false, shared: false },
  // Everyone with a role picks their own language; staff set their centre's written standard.
  'language.show': { roles: ['volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'], readOnly: true, shared: false },
  'language.choose': { roles: ['volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'], readOnly: false, shared: false },
  'staff.language.save': { roles: ['staff', 'coordinator'], readOnly: false, shared: false },
  // --- people helped who ask for themselves (issue 19) ---
  'self.signup.start': { roles: [null], readOnly: true, shared: false },
  'self.signup.submit': { roles: [null], readOnly: false, shared: false },
  'self.request.new': { roles: PERSON, readOnly: true, shared: false },
  'self.request.submit': { roles: PERSON, readOnly: false, shared: false },
  // Whether the centre confirms people who sign up themselves: the coordinator's call, like caregivers' links.
  'staff.self.setting': { roles: ['coordinator'], readOnly: false, shared: false },
  // --- SMS and each person's channels (issue 15) ---
  'volunteer.sms': { roles: [...VOLUNTEER, ...ASKER], readOnly: false, shared: false },
  // For a volunteer who phones in: staff of their centre (the command checks the centre).
  'staff.volunteer.sms': { roles: STAFF, readOnly: false, shared: false },
  // What personal data may leave by SMS is the coordinator's call, like the centre's other settings.
  'staff.smsDetails.show': { roles: ['coordinator'], readOnly: true, shared: false },
  'staff.smsDetails.set': { roles: ['coordinator'], readOnly: false, shared: false },
} as const satisfies Record<string, VerbDeclaration>;

/** Every command a person can give; the card actions (adaptive-cards/actions.ts) are these verbs. */
export type Verb = keyof typeof VERBS;

export function isVerb(word: string): word is Verb {
  return Object.hasOwn(VERBS, word);
}

/** The verb shows something and changes nothing. */
export function isReadOnly(verb: Verb): boolean {
  return VERBS[verb].readOnly;
}

/** The verb may be answered in a shared conversation (a Teams channel or group chat). */
export function mayAnswerShared(verb: Verb): boolean {
  return VERBS[verb].shared;
}
