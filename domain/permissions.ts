// Who may do what: the one table every command is checked against. Data scoping (own tasks, own
// centre) is enforced by the queries the commands run; this table decides by role alone.
import type { Role } from './types.ts';

/** null = someone we don't know yet (may only see the menu and sign up). */
export type Actor = Role | null;

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

export const PERMISSIONS = {
  'menu.show': EVERYONE,
  // Everyone we know gets their own data (GDPR art. 15); someone unknown has none to get.
  'privacy.mine': ['volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'],
  'volunteer.signup.start': [null, 'volunteer'],
  'volunteer.signup.submit': [null, 'volunteer'],
  'declaration.show': VOLUNTEER,
  'declaration.sign': VOLUNTEER,
  'volunteer.status': VOLUNTEER,
  'volunteer.pause': VOLUNTEER,
  'volunteer.resume': VOLUNTEER,
  'volunteer.leave': VOLUNTEER,
  'volunteer.leave.confirm': VOLUNTEER,
  'offer.accept': VOLUNTEER,
  'offer.decline': VOLUNTEER,
  'tasks.mine': VOLUNTEER,
  'assignment.cancel.start': VOLUNTEER,
  'assignment.cancel.submit': VOLUNTEER,
  'staff.request.new': STAFF,
  'staff.request.submit': STAFF,
  'staff.person.new': STAFF,
  'staff.person.submit': STAFF,
  'staff.requests.list': STAFF,
  'staff.requests.more': STAFF,
  'staff.request.cancel': STAFF,
  'staff.volunteers.list': STAFF,
  'staff.volunteers.more': STAFF,
  'staff.volunteer.approve': STAFF,
  'staff.volunteer.pause': STAFF,
  'staff.volunteer.remove': STAFF,
  'staff.volunteer.police': STAFF,
  // Interest groups shape what every volunteer of the centre is offered: the coordinator's call.
  'staff.groups.list': ['coordinator', 'admin'],
  'volunteer.contribution': VOLUNTEER,
  'volunteer.milestones': VOLUNTEER,
  'caregiver.signup.start': [null],
  'caregiver.signup.submit': [null],
  'caregiver.person.new': CAREGIVER,
  'caregiver.person.submit': CAREGIVER,
  'caregiver.request.new': CAREGIVER,
  'caregiver.request.submit': CAREGIVER,
  'caregiver.requests.list': ASKER,
  'caregiver.request.cancel': ASKER,
  'caregiver.visit.confirm': ASKER,
  // Formal respite and short stays are the allocation office's decision, whoever asks about them.
  'caregiver.formalRespite': ASKER,
  'staff.group.save': ['coordinator', 'admin'],
  'assignment.confirm': VOLUNTEER,
  'assignment.done': VOLUNTEER,
  'assignment.notDone': VOLUNTEER,
  'concern.report': VOLUNTEER,
  'staff.request.widen': STAFF,
  'staff.request.relax': STAFF,
  'staff.request.callList': STAFF,
  'staff.consent.renew': STAFF,
  'staff.consent.withdraw': STAFF,
  'staff.privacy.persons': PRIVACY,
  'staff.person.export': PRIVACY,
  'staff.person.erase': PRIVACY,
  'staff.person.erase.confirm': PRIVACY,
  // --- series (issue 5) ---
  'staff.series.cancel': STAFF,
  'staff.series.cancel.confirm': STAFF,
  'staff.series.edit.start': STAFF,
  'staff.series.edit.submit': STAFF,
  'series.details': VOLUNTEER,
  'series.accept': VOLUNTEER,
  'series.decline': VOLUNTEER,
  'series.leave.start': VOLUNTEER,
  'series.leave.confirm': VOLUNTEER,
  'caregiver.series.cancel': CAREGIVER,
  'caregiver.series.cancel.confirm': CAREGIVER,
  'series.list': VOLUNTEER,
  'caregiver.series.edit.start': CAREGIVER,
  'caregiver.series.edit.submit': CAREGIVER,
  // --- caregiver feedback, link verification, phone sharing (issue 5) ---
  'caregiver.feedback': ASKER,
  // A link is judged by the centre's staff; the caregiver who made it never can (the query checks too).
  'staff.link.confirm': ['staff', 'coordinator'],
  'staff.link.reject': ['staff', 'coordinator'],
  // Whether the centre verifies caregivers at all is the coordinator's call, like interest groups.
  'staff.link.settings': ['coordinator'],
  'staff.link.setting': ['coordinator'],
  'volunteer.sharePhone': VOLUNTEER,
  // --- Teams staff channel and per-user views (issue 6) ---
  'offer.details': VOLUNTEER,
  // Where one's own messages go: a volunteer's offers, an asker's notices (issue 19).
  'volunteer.channel': [...VOLUNTEER, ...ASKER],
  'asker.channels': ASKER,
  'staff.channel.show': STAFF,
  'staff.channel.link': STAFF,
  'staff.channel.unlink': STAFF,
  // --- web chat push notifications (issue 15): anyone with a role may be told on their phone ---
  'push.enable': PUSH,
  'push.disable': PUSH,
  'push.status': PUSH,
  // --- issue 18 ---
  // Anyone may use an invitation: it is what makes an imported volunteer's chat account theirs.
  'invitation.accept': EVERYONE,
  // A volunteer's own tasks, or for staff their centre's requests, as a calendar feed.
  'calendar.show': ['volunteer', 'staff', 'coordinator'],
  'calendar.create': ['volunteer', 'staff', 'coordinator'],
  // How long a politiattest counts and which groups require one: the coordinator's call.
  'staff.police.settings': ['coordinator'],
  'staff.police.save': ['coordinator'],
  // Everyone with a role picks their own language; staff set their centre's written standard.
  'language.show': ['volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'],
  'language.choose': ['volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'],
  'staff.language.save': ['staff', 'coordinator'],
  // --- people helped who ask for themselves (issue 19) ---
  'self.signup.start': [null],
  'self.signup.submit': [null],
  'self.request.new': PERSON,
  'self.request.submit': PERSON,
  // Whether the centre confirms people who sign up themselves: the coordinator's call, like caregivers' links.
  'staff.self.setting': ['coordinator'],
  // --- SMS and each person's channels (issue 15) ---
  'volunteer.sms': [...VOLUNTEER, ...ASKER],
  // For a volunteer who phones in: staff of their centre (the command checks the centre).
  'staff.volunteer.sms': STAFF,
  // What personal data may leave by SMS is the coordinator's call, like the centre's other settings.
  'staff.smsDetails.show': ['coordinator'],
  'staff.smsDetails.set': ['coordinator'],
} as const satisfies Record<string, readonly Actor[]>;

/** Every command a person can give; the card actions (adaptive-cards/actions.ts) are these verbs. */
export type Command = keyof typeof PERMISSIONS;

export function mayPerform(actor: Actor, command: Command): boolean {
  return (PERMISSIONS[command] as readonly Actor[]).includes(actor);
}

/**
 * What the Teams tab offers beyond the chat's commands. Importing a spreadsheet and handing out
 * invitations shape who the centre's volunteers are: the coordinator's work, like interest groups.
 */
export const TAB_PERMISSIONS = {
  import: ['coordinator'],
  invitations: ['coordinator'],
} as const satisfies Record<string, readonly Actor[]>;

export function mayUseTab(actor: Actor, what: keyof typeof TAB_PERMISSIONS): boolean {
  return (TAB_PERMISSIONS[what] as readonly Actor[]).includes(actor);
}
