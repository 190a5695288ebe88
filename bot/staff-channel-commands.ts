// A centre's Teams staff channel: link and unlink it (staff of that centre, from an authenticated
// turn in the channel), what may be answered there at all, and the message extension that opens the
// request form as a dialog only the presser sees.
import { TurnContext, type Activity } from 'botbuilder';
import { staffChannelCard, staffChannelWelcomeCard } from '../adaptive-cards/staff-channel.ts';
import type { ActionVerb } from '../adaptive-cards/actions.ts';
import { mayAnswerShared } from '../domain/verbs.ts';
import type { AdaptiveCard, CardElement } from '../adaptive-cards/card.ts';
import { listCentres } from '../infra/centres.ts';
import type { ConversationRef } from '../infra/identities.ts';
import { centreOfChannel, channelConversationId, linkStaffChannel, markStaffChannelUnreachable, staffChannelsOfTeam, unlinkStaffChannel } from '../infra/staff-channels.ts';
import type { MessageKey, MessageParams } from '../adaptive-cards/texts.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import { Turn } from './turn.ts';

/** A Teams team channel or group chat: everyone there reads the bot's answers. */
export function isSharedConversation(a: Partial<Activity>): boolean {
  const type = (a.conversation as { conversationType?: string } | undefined)?.conversationType;
  return a.channelId === 'msteams' && (type === 'channel' || type === 'groupChat');
}

function isTeamChannel(a: Partial<Activity>): boolean {
  return a.channelId === 'msteams' && (a.conversation as { conversationType?: string } | undefined)?.conversationType === 'channel';
}

/**
 * The reply instead of `verb` in a shared conversation, or null when it may be answered there (its
 * declaration in domain/verbs.ts says whether: nothing about a person goes where a whole team reads along).
 */
export function sharedConversationRefusal(verb: ActionVerb): MessageKey | null {
  if (mayAnswerShared(verb)) return null;
  return verb === 'staff.request.new' ? 'staffChannel.newRequestHint' : 'staffChannel.personalOnly';
}

/**
 * Dugnad was just added to a team. Teams says so twice: conversationUpdate with the bot among
 * membersAdded, and installationUpdate «add» in team scope.
 */
export function addedToTeam(a: Partial<Activity>): boolean {
  if (a.channelId !== 'msteams' || !(a.channelData as { team?: { id?: unknown } } | undefined)?.team?.id) return false;
  if (a.type === 'installationUpdate') return a.action === 'add';
  return a.type === 'conversationUpdate' && (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
}

/**
 * Dugnad was just removed from a team (installationUpdate «remove» in team scope, or the bot among
 * membersRemoved): its staff channels there can no longer be written to.
 */
export function removedFromTeam(a: Partial<Activity>): boolean {
  if (a.channelId !== 'msteams' || !(a.channelData as { team?: { id?: unknown } } | undefined)?.team?.id) return false;
  if (a.type === 'installationUpdate') return a.action === 'remove';
  return a.type === 'conversationUpdate' && (a.membersRemoved ?? []).some((m) => m.id === a.recipient?.id);
}

/**
 * Marks the team's staff channels unreachable at once rather than at the next failed post, so the
 * next escalation goes to staff directly and they are told now (once, through the outbox) to link
 * another channel. Posts nothing: the bot is no longer in the team.
 */
export async function forgetTeam(deps: BotDeps, a: Partial<Activity>): Promise<number> {
  const teamId = String((a.channelData as { team: { id: string } }).team.id);
  let marked = 0;
  for (const c of await staffChannelsOfTeam(deps.db, teamId)) {
    if (await markStaffChannelUnreachable(deps.db, { ...c, at: deps.now() })) marked++;
  }
  return marked;
}

/** Tells the team what Dugnad does in a channel and offers the link (the link command checks who). */
export async function welcomeTeam(deps: BotDeps, turn: Turn): Promise<void> {
  // Both events of one install arrive within moments: the first posts the card, the second nothing.
  const key = `${deps.config.QUEUE_PREFIX}:team-welcome:${channelConversationId(turn.context.activity.conversation.id)}`;
  if ((await deps.redis.set(key, '1', 'EX', 600, 'NX')) !== 'OK') return;
  await turn.send(staffChannelWelcomeCard(turn.card));
}

/** The channel itself (not the thread the command came in), as a reference to post new messages to. */
function channelReference(a: Activity, tenantId: string | null): ConversationRef {
  const ref = TurnContext.getConversationReference(a);
  const bot = { id: a.recipient.id, ...(a.recipient.name ? { name: a.recipient.name } : {}) };
  return {
    serviceUrl: ref.serviceUrl ?? a.serviceUrl,
    channelId: a.channelId,
    conversation: { id: channelConversationId(a.conversation.id), conversationType: 'channel', ...(tenantId ? { tenantId } : {}) },
    bot,
    // A post to a channel has no one recipient; no staff member's account is kept with it.
    user: bot,
  };
}

export function staffChannelCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  const centreOf = (turn: Turn) => turn.member!.centreIds[0] ?? '';
  const card = async (turn: Turn, linked: boolean, unreachable = false) => {
    const name = linked ? ((await listCentres(db)).find((c) => c.id === centreOf(turn))?.name ?? centreOf(turn)) : null;
    return staffChannelCard(turn.card, { linkedCentreName: name, digestAt: deps.config.STAFF_CHANNEL_DIGEST_AT, unreachable });
  };
  /** The channel this turn came from and the centre it is linked to; null outside a team channel. */
  const here = async (turn: Turn) => {
    const a = turn.context.activity;
    if (!isTeamChannel(a)) return null;
    const conversationId = channelConversationId(a.conversation.id);
    return { conversationId, linkedTo: await centreOfChannel(db, conversationId) };
  };

  return {
    'staff.channel.show': async (turn) => {
      const channel = await here(turn);
      if (!channel) return turn.say('staffChannel.onlyInChannel');
      if (channel.linkedTo && channel.linkedTo.centreId !== centreOf(turn)) return turn.say('staffChannel.otherCentre');
      await turn.send(await card(turn, channel.linkedTo !== null, channel.linkedTo?.unreachable));
    },

    'staff.channel.link': async (turn) => {
      const channel = await here(turn);
      if (!channel) return turn.say('staffChannel.onlyInChannel');
      const ref = channelReference(turn.context.activity, turn.account.tenantId);
      const teamId = (turn.context.activity.channelData as { team?: { id?: string } } | undefined)?.team?.id ?? null;
      const result = await linkStaffChannel(db, { centreId: centreOf(turn), conversationRef: ref, teamId, by: turn.member!.id, at: turn.now });
      if (!result.ok) return turn.say('staffChannel.otherCentre');
      await turn.replace(await card(turn, true));
    },

    'staff.channel.unlink': async (turn) => {
      const channel = await here(turn);
      if (!channel) return turn.say('staffChannel.onlyInChannel');
      if (!(await unlinkStaffChannel(db, { centreId: centreOf(turn), conversationId: channel.conversationId }))) {
        return turn.say(channel.linkedTo ? 'staffChannel.otherCentre' : 'error.invalidAction');
      }
      await turn.replace(await card(turn, false));
    },
  };
}

// ---- the message extension: a dialog (task module) only the presser sees ------------------------

/** A turn whose cards and words go into the dialog's answer instead of the conversation. */
export class DialogTurn extends Turn {
  readonly cards: AdaptiveCard[] = [];
  readonly texts: string[] = [];

  override async send(card: AdaptiveCard): Promise<string | undefined> {
    this.cards.push(card);
    return undefined;
  }

  override async say(key: MessageKey, params?: MessageParams): Promise<void> {
    this.texts.push(this.t(key, params));
  }

  override get cardRedrawnInPlace(): string | null {
    return null;
  }

  override async replace(card: AdaptiveCard): Promise<void> {
    this.cards.push(card);
  }
}

export const MESSAGE_EXTENSION_INVOKES = new Set(['composeExtension/fetchTask', 'composeExtension/submitAction']);

/**
 * The card data a message-extension invoke asks to run, or null for anything the dialog does not
 * do (another command, or a button other than the form's submit: the dialog then closes).
 */
export function dialogAction(a: Activity, commandId: string): Record<string, unknown> | null {
  const value = (a.value ?? {}) as { commandId?: unknown; data?: unknown };
  if (value.commandId !== commandId) return null;
  if (a.name === 'composeExtension/fetchTask') return { action: 'staff.request.new' };
  const data = value.data && typeof value.data === 'object' ? (value.data as Record<string, unknown>) : {};
  return data.action === 'staff.request.submit' ? data : null;
}

function textsOf(elements: readonly CardElement[]): string[] {
  return elements.flatMap((e) => (e.type === 'TextBlock' ? [e.text] : e.type === 'Container' ? textsOf(e.items) : []));
}

const hasInputs = (elements: readonly CardElement[]): boolean =>
  elements.some((e) => e.type.startsWith('Input.') || (e.type === 'Container' && hasInputs(e.items)));

/** The invoke answer: the form again (first time, or with its errors), else what happened in words. */
export function dialogAnswer(turn: DialogTurn, title: string): Record<string, unknown> {
  const card = turn.cards.at(-1);
  if (card && hasInputs(card.body)) {
    return { task: { type: 'continue', value: { title, height: 'large', width: 'large', card: { contentType: 'application/vnd.microsoft.card.adaptive', content: card } } } };
  }
  const words = turn.texts.length > 0 ? turn.texts : card ? textsOf(card.body) : [];
  return words.length > 0 ? { task: { type: 'message', value: words.join('\n') } } : {};
}
