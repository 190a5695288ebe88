// Turn handling: who is speaking, what they asked (text or card action), whether they may, and
// which command answers. Card submits from Web Chat (message with value) and Teams (adaptiveCard/action
// invoke) end in the same command.
import { TurnContext, type Activity, type InvokeResponse } from 'botbuilder';
import { cardAction, type CardAction } from '../adaptive-cards/actions.ts';
import { touchAccount } from '../infra/identities.ts';
import { mayPerform } from '../domain/permissions.ts';
import { accountOf, channelOfActivity, localeOf } from './turn-context.ts';
import { Turn } from './turn.ts';
import type { AppDeps } from './app.ts';
import { showMenu } from './menu-commands.ts';
import { volunteerCommands } from './volunteer-commands.ts';
import { staffCommands } from './staff-commands.ts';
import { offerCommands } from './offer-commands.ts';
import { kickPendingOutbox } from './outbox-kick.ts';

export interface BotDeps extends AppDeps {
  isRedisReady(): boolean;
}

export type CommandHandler<A extends CardAction = CardAction> = (turn: Turn, action: A, raw: Record<string, unknown>) => Promise<void>;
export type CommandTable = { [V in CardAction['action']]?: CommandHandler<Extract<CardAction, { action: V }>> };

const GREETINGS = new Set(['hei', 'hallo', 'hei hei', 'hi', 'hello', 'hjelp', 'help', 'meny', 'menu', 'start', '/start']);
const TEXT_COMMANDS: Record<string, CardAction> = {
  'mine oppdrag': { action: 'tasks.mine' },
  'my tasks': { action: 'tasks.mine' },
  oppdrag: { action: 'tasks.mine' },
  status: { action: 'volunteer.status' },
  'min status': { action: 'volunteer.status' },
  'ny forespørsel': { action: 'staff.request.new' },
  'new request': { action: 'staff.request.new' },
  'bli frivillig': { action: 'volunteer.signup.start' },
};

export class DugnadBot {
  private readonly commands: CommandTable;

  constructor(private readonly deps: BotDeps) {
    this.commands = { ...volunteerCommands(deps), ...staffCommands(deps), ...offerCommands(deps), 'menu.show': (turn) => showMenu(deps, turn) };
  }

  async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    const isInvoke = a.type === 'invoke' && a.name === 'adaptiveCard/action';
    if (a.type !== 'message' && a.type !== 'conversationUpdate' && a.type !== 'installationUpdate' && !isInvoke) return;
    if (a.type === 'conversationUpdate' && !(a.membersAdded ?? []).some((m) => m.id !== a.recipient?.id)) return;

    const locale = localeOf(a);
    if (!this.deps.isRedisReady()) {
      // Say so plainly rather than accept work we can't deliver.
      await context.sendActivity(new Turn(context, accountOf(a), null, { locale, channel: channelOfActivity(a) }, this.deps.now()).t('system.unavailable'));
      if (isInvoke) await respondInvoke(context, null);
      return;
    }
    const account = accountOf(a);
    const ref = TurnContext.getConversationReference(a);
    const member = await touchAccount(this.deps.db, account, ref, { allowDevIdentities: this.deps.config.dev });
    const turn = new Turn(context, account, member, { locale: a.locale ? locale : (member?.locale ?? 'nb'), channel: channelOfActivity(a) }, this.deps.now());

    if (a.type !== 'message' && !isInvoke) return showMenu(this.deps, turn);

    const raw = isInvoke ? invokeData(a) : (a.value as Record<string, unknown> | undefined);
    if (raw && typeof raw === 'object') {
      await this.handleAction(turn, raw);
    } else {
      await this.handleText(turn, (a.text ?? '').trim().toLowerCase());
    }
    if (isInvoke) await respondInvoke(context, turn);
  }

  private async handleText(turn: Turn, text: string): Promise<void> {
    if (GREETINGS.has(text) || text === '') return showMenu(this.deps, turn);
    const command = TEXT_COMMANDS[text];
    if (command && mayPerform(turn.member?.role ?? null, command.action)) return this.dispatch(turn, command, {});
    await turn.say('error.notUnderstood');
    return showMenu(this.deps, turn);
  }

  private async handleAction(turn: Turn, raw: Record<string, unknown>): Promise<void> {
    const parsed = cardAction.safeParse(raw);
    if (!parsed.success) {
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
    await handler(turn, action, raw);
    // Whatever the command committed to the outbox goes out now rather than at the next poll.
    await kickPendingOutbox(this.deps);
  }
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
