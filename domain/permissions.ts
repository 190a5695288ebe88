// Who may do what: every command is checked against its verb's roles (domain/verbs.ts, where each
// verb is declared once). Data scoping (own tasks, own centre) is enforced by the queries the commands
// run; this decides by role alone.
import { VERBS, type Actor, type Verb } from './verbs.ts';

export type { Actor } from './verbs.ts';

/** Every command a person can give; the card actions (adaptive-cards/actions.ts) are these verbs. */
export type Command = Verb;

export function mayPerform(actor: Actor, command: Command): boolean {
  return (VERBS[command].roles as readonly Actor[]).includes(actor);
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
