// Turn handling: who is speaking, what they asked (text or card action), whether they may, and
// which command answers. Card submits from Web Chat (message with value) and Teams (adaptiveCard/action
// invoke) end in the same command.
import { TurnContext, type Activity, type InvokeResponse } from 'botbuilder';
import { cardAction, type CardAction } from '../adaptive-cards/actions.ts';
import { touchAccount } from '../infra/identities.ts';
import { mayPerform } from '../domain/permissions.ts';
import { isReadOnly } from '../domain/verbs.ts';
import { toStorableDeep } from '../domain/text.ts';
import { asksForFormalRespite } from '../domain/formal-respite.ts';
import { accountOf, channelOfActivity, localeOf, turnLocale } from './turn-context.ts';
import { Turn } from './turn.ts';
import type { BotDeps, CommandHandler, CommandTable } from './deps.ts';
import { showMenu } from './menu-commands.ts';
import { volunteerCommands } from './volunteer-commands.ts';
import { staffCommands } from './staff-commands.ts';
import { offerCommands } from './offer-commands.ts';
import { caregiverCommands } from './caregiver-commands.ts';
import { privacyCommands } from './privacy-commands.ts';
import { seriesCommands } from './series-commands.ts';
import { feedbackCommands } from './feedback-commands.ts';
import { invitationCommands } from './invitation-commands.ts';
import { calendarCommands } from './calendar-commands.ts';
import { policeCommands } from './police-commands.ts';
import { languageCommands } from './language-commands.ts';
import { invitationCodeIn, mentionsInvitation } from '../infra/invitations.ts';
import { selfCommands } from './self-commands.ts';
import { channelCommands } from './channel-commands.ts';
import { readTextAnswer, showsCards } from './text-channel.ts';
import { askBySms } from './sms-ask.ts';
import { showOpenedTask } from './task-link.ts';
import { mayRecordTurn } from './auth.ts';
import { DialogTurn, MESSAGE_EXTENSION_INVOKES, addedToTeam, dialogAction, dialogAnswer, forgetTeam, isSharedConversation, removedFromTeam, sharedConversationRefusal, staffChannelCommands, welcomeTeam } from './staff-channel-commands.ts';
import { pushCommands } from './push-commands.ts';
import { openTargetOf, showFocused, showOpenItems } from './open-items.ts';
import { NEW_REQUEST_COMMAND_ID } from '../infra/teams/manifest.ts';
import { kickPendingOutbox } from '../jobs/queues.ts';
import type { OwnDataLinks } from './own-data-download.ts';


const GREETINGS = new Set(['hei', 'hallo', 'hei hei', 'hi', 'hello', 'hjelp', 'help', 'meny', 'menu', 'start', '/start']);
/** A typed word and what it does; a list: the first the speaker may use. */
const TEXT_COMMANDS: Record<string, CardAction | CardAction[]> = {
  'mine oppdrag': { action: 'tasks.mine' },
  'my tasks': { action: 'tasks.mine' },
  oppdrag: { action: 'tasks.mine' },
  // «Status»: where one's own things stand, whatever one's role.
  status: [{ action: 'volunteer.status' }, { action: 'caregiver.requests.list' }, { action: 'staff.requests.list' }],
  'min status': [{ action: 'volunteer.status' }, { action: 'caregiver.requests.list' }, { action: 'staff.requests.list' }],
  'ny forespørsel': { action: 'staff.request.new' },
  'new request': { action: 'staff.request.new' },
  // The same in nynorsk, as the nynorsk menu words them.
  'oppdraga mine': { action: 'tasks.mine' },
  'status for meg': { action: 'volunteer.status' },
  'ny førespurnad': { action: 'staff.request.new' },
  'førespurnadene mine': { action: 'caregiver.requests.list' },
  avlasting: { action: 'caregiver.request.new' },
  'bli frivillig': { action: 'volunteer.signup.start' },
  avlastning: { action: 'caregiver.request.new' },
  'mine forespørsler': { action: 'caregiver.requests.list' },
  'faste besøk': { action: 'series.list' },
  'regular visits': { action: 'series.list' },
  // Staff get the centre's people (with their own data a button away); everyone else their own data.
  personvern: [{ action: 'staff.privacy.persons' }, { action: 'privacy.mine' }],
  privacy: [{ action: 'staff.privacy.persons' }, { action: 'privacy.mine' }],
  innsyn: [{ action: 'staff.privacy.persons' }, { action: 'privacy.mine' }],
  'mine data': { action: 'privacy.mine' },
  'my data': { action: 'privacy.mine' },
  kanal: { action: 'staff.channel.show' },
  channel: { action: 'staff.channel.show' },
  'koble til kanal': { action: 'staff.channel.link' },
  'link channel': { action: 'staff.channel.link' },
  'koble fra kanal': { action: 'staff.channel.unlink' },
  'unlink channel': { action: 'staff.channel.unlink' },
  'bekreft pårørende': { action: 'staff.link.settings' },
  'verify caregivers': { action: 'staff.link.settings' },
  kalender: { action: 'calendar.show' },
  calendar: { action: 'calendar.show' },
  politiattest: { action: 'staff.police.settings' },
  'police certificate': { action: 'staff.police.settings' },
  'bekreft brukere': { action: 'staff.link.settings' },
  // A person helped asks; someone new starts by saying who they are.
  'jeg trenger hjelp': [{ action: 'self.request.new' }, { action: 'self.signup.start' }],
  'eg treng hjelp': [{ action: 'self.request.new' }, { action: 'self.signup.start' }],
  'trenger hjelp': [{ action: 'self.request.new' }, { action: 'self.signup.start' }],
  'be om hjelp': [{ action: 'self.request.new' }, { action: 'self.signup.start' }],
  'i need help': [{ action: 'self.request.new' }, { action: 'self.signup.start' }],
  'sms-detaljer': { action: 'staff.smsDetails.show' },
  språk: { action: 'language.show' },
  language: { action: 'language.show' },
  nynorsk: { action: 'language.show' },
  'sms details': { action: 'staff.smsDetails.show' },
};

/** The handler of every verb (domain/verbs.ts declares them; test/unit/verbs.test.ts checks none is missing). */
export function commandTable(deps: BotDeps): CommandTable {
  return { ...volunteerCommands(deps), ...staffCommands(deps), ...offerCommands(deps), ...caregiverCommands(deps), ...privacyCommands(deps), ...seriesCommands(deps), ...feedbackCommands(deps), ...selfCommands(deps), ...staffChannelCommands(deps), ...pushCommands(deps), ...invitationCommands(deps), ...calendarCommands(deps), ...policeCommands(deps), ...languageCommands(deps), ...channelCommands(deps), 'menu.show': (turn) => showMenu(deps, turn) };
}

export class DugnadBot {
  private readonly commands: CommandTable;

  constructor(private readonly deps: BotDeps) {
    this.commands = commandTable(deps);
  }

  async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    const isInvoke = a.type === 'invoke' && a.name === 'adaptiveCard/action';
    const isDialog = a.type === 'invoke' && MESSAGE_EXTENSION_INVOKES.has(a.name ?? '');
    // The web chat page asks to see the offer a tapped notification was for.
    const isOpen = a.type === 'event' && a.name === 'dugnad.open';
    if (a.type !== 'message' && a.type !== 'conversationUpdate' && a.type !== 'installationUpdate' && !isInvoke && !isDialog && !isOpen) return;
    if (removedFromTeam(a)) {
      // Only a turn a channel token vouched for may change what we store.
      if (mayRecordTurn(context, this.deps.config) && (await forgetTeam(this.deps, a)) > 0) await kickPendingOutbox(this.deps);
      return;
    }
    const welcome = addedToTeam(a);
    // Someone joining a team or group chat is no reason to post there: the menu greets by name.
    if (!welcome && (a.type === 'conversationUpdate' || a.type === 'installationUpdate') && isSharedConversation(a)) return;
    if (a.type === 'conversationUpdate' && !welcome && !(a.membersAdded ?? []).some((m) => m.id !== a.recipient?.id)) return;
    // Nothing from a turn no channel token vouched for is stored (the gate in app.ts refuses those
    // before they get here; this holds even if a route ever skips the gate).
    if (!mayRecordTurn(context, this.deps.config)) return;

    const locale = localeOf(a);
    if (!this.deps.isRedisReady()) {
      // Say so plainly rather than accept work we can't deliver.
      await context.sendActivity(new Turn(context, accountOf(a), null, { locale, channel: channelOfActivity(a) }, this.deps.now()).t('system.unavailable'));
      if (isInvoke || isDialog) await respondInvoke(context, null);
      return;
    }
    const account = accountOf(a);
    // Only a personal conversation is where to reach someone later; a channel or group chat is read by others.
    const ref = isSharedConversation(a) ? null : TurnContext.getConversationReference(a);
    const member = await touchAccount(this.deps.db, account, ref, { allowDevIdentities: this.deps.config.dev });
    const cardLocale = turnLocale(a, member);
    if (isDialog) {
      // Teams dialogs (task modules) take Action.Submit, as Web Chat does.
      return this.dialog(new DialogTurn(context, account, member, { locale: cardLocale, channel: 'webchat' }, this.deps.now()));
    }
    const turn = new Turn(context, account, member, { locale: cardLocale, channel: channelOfActivity(a) }, this.deps.now());

    if (welcome) return welcomeTeam(this.deps, turn);
    if (isOpen) {
      const target = openTargetOf(a);
      if (target) await showFocused(this.deps, turn, target);
      return;
    }
    if (a.type !== 'message' && !isInvoke) {
      // Someone who just opened a task from an SMS link sees that task first (bot/task-link.ts), else the menu.
      if (!(await showOpenedTask(this.deps, turn))) await showMenu(this.deps, turn);
      // A new web chat conversation: what is open for them now, from the database (the old conversation is gone).
      if (a.type === 'conversationUpdate') await showOpenItems(this.deps, turn, openTargetOf(a));
      return;
    }

    const raw = cardData(isInvoke ? invokeData(a) : a.value);
    // By SMS, someone unknown or a person helped asks in their own words (bot/sms-ask.ts).
    if (!raw && !showsCards(a) && (await askBySms(this.deps, turn, (a.text ?? '').trim()))) return;
    // A text-only channel answers with words: «JA 4821», «2», STOPP (bot/text-channel.ts).
    const answer = raw || showsCards(a) ? null : await readTextAnswer(this.deps.db, account, member, (a.text ?? '').trim(), turn.now);
    if (raw) {
      await this.handleAction(turn, raw);
    } else if (answer) {
      if ('reply' in answer) await turn.say(answer.reply, answer.params);
      else await this.handleAction(turn, answer.action);
    } else {
      // In Teams channels and group chats the text starts with "<at>Dugnad</at>".
      // botbuilder's helper reads recipient.id and rewrites text unguarded; without them there is no mention to strip.
      const text = a.recipient && typeof a.text === 'string' ? (TurnContext.removeRecipientMention(a) ?? a.text) : (a.text ?? '');
      await this.handleText(turn, text.replace(/<at>[^<]*<\/at>/g, '').trim().toLowerCase());
    }
    if (isInvoke) await respondInvoke(context, turn);
  }

  /** The message extension's «Ny forespørsel»: the request form as a dialog, and its submit. */
  private async dialog(turn: DialogTurn): Promise<void> {
    const raw = dialogAction(turn.context.activity, NEW_REQUEST_COMMAND_ID);
    if (raw) await this.handleAction(turn, cardData(raw) ?? {});
    const body = raw ? dialogAnswer(turn, turn.t('staffChannel.formTitle')) : {};
    await turn.context.sendActivity({ type: 'invokeResponse', value: { status: 200, body } satisfies InvokeResponse });
  }

  private async handleText(turn: Turn, text: string): Promise<void> {
    if (GREETINGS.has(text) || text === '') return showMenu(this.deps, turn);
    // A code from an invitation, typed (Teams) rather than opened as a link.
    const code = invitationCodeIn(text);
    if (code) return this.dispatch(turn, { action: 'invitation.accept', code }, {});
    if (mentionsInvitation(text)) return turn.say('invitation.howTo');
    // Own keys only: «constructor» or «__proto__» typed in chat must not find Object's members.
    const choices = Object.hasOwn(TEXT_COMMANDS, text) ? [TEXT_COMMANDS[text]!].flat() : [];
    const command = choices.find((c) => mayPerform(turn.member?.role ?? null, c.action));
    if (command) return this.dispatch(turn, command, {});
    // A word we know from someone we do not: they are not registered yet, and the menu offers sign-up.
    if (choices.length > 0 && !turn.member) {
      await turn.say('error.notRegistered');
      return showMenu(this.deps, turn);
    }
    // A question about formal respite, in the caregiver's own words: the allocation office's contact.
    if (asksForFormalRespite(text) && mayPerform(turn.member?.role ?? null, 'caregiver.formalRespite')) return this.dispatch(turn, { action: 'caregiver.formalRespite' }, {});
    await turn.say('error.notUnderstood');
    return showMenu(this.deps, turn);
  }

  private async handleAction(turn: Turn, raw: Record<string, unknown>): Promise<void> {
    const parsed = cardAction.safeParse(raw);
    if (!parsed.success || !idsAreUuids(parsed.data)) {
      await turn.say('error.invalidAction');
      return showMenu(this.deps, turn);
    }
    const action = parsed.data;
    if (!mayPerform(turn.member?.role ?? null, action.action)) {
      await turn.say('error.notAllowed');
      return showMenu(this.deps, turn);
    }
    await this.dispatch(turn, action, raw);
  }

  private async dispatch(turn: Turn, action: CardAction, raw: Record<string, unknown>): Promise<void> {
    const handler = this.commands[action.action] as CommandHandler | undefined;
    if (!handler) return showMenu(this.deps, turn);
    // In a Teams channel or group chat everyone reads the answer: nothing about a person goes there.
    const refusal = turn instanceof DialogTurn || !isSharedConversation(turn.context.activity) ? null : sharedConversationRefusal(action.action);
    if (refusal) return turn.say(refusal);
    // Staff work is always for a centre; a staff-type role without one (an admin) has nothing to act
    // on, and the commands' centre-scoped writes would fail on it.
    if (action.action.startsWith('staff.') && (turn.member?.centreIds.length ?? 0) === 0) {
      await turn.say('error.notAllowed');
      return showMenu(this.deps, turn);
    }
    await handler(turn, action, raw);
    // Whatever the command committed to the outbox goes out now rather than at the next poll; commands
    // that only read, or that say they wrote nothing this time, skip the look (the poller would catch anything anyway).
    if (!isReadOnly(action.action) && !turn.outboxHandled) await kickPendingOutbox(this.deps);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_FIELDS = ['offerId', 'assignmentId', 'requestId', 'volunteerId', 'personId', 'seriesOfferId', 'seriesId'] as const;

/**
 * These ids are uuids the database made. Anything else names no row, so it is a forged button,
 * not a reason for PostgreSQL to fail the turn with "something went wrong on our side".
 */
function idsAreUuids(action: CardAction): boolean {
  const fields = action as Partial<Record<(typeof UUID_FIELDS)[number], unknown>>;
  // "" is an untouched choice in a form: the form's own validation answers that.
  return UUID_FIELDS.every((key) => typeof fields[key] !== 'string' || fields[key] === '' || UUID.test(fields[key]));
}

/** Card data is flat; deeper than this is nobody's form, and stopping keeps recursion bounded. */
const MAX_CARD_DATA_DEPTH = 8;

/** The submitted card data with storable strings, or undefined when there is none (a typed message). */
function cardData(value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return toStorableDeep(value, MAX_CARD_DATA_DEPTH) as Record<string, unknown>;
}

/** Universal Actions put the button's data under value.action.data, the verb under value.action.verb. */
function invokeData(a: Activity): Record<string, unknown> | undefined {
  const action = (a.value as { action?: { verb?: string; data?: Record<string, unknown> } } | undefined)?.action;
  if (!action) return undefined;
  return { ...(action.data ?? {}), action: action.data?.action ?? action.verb };
}

async function respondInvoke(context: TurnContext, turn: Turn | null): Promise<void> {
  const value: InvokeResponse = turn?.invokeCard
    ? { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: turn.invokeCard } }
    : { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'OK' } };
  await context.sendActivity({ type: 'invokeResponse', value });
}
