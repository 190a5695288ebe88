// One turn's view of the world and how to answer: send a card or text, or replace the card the
// person pressed (in place in Web Chat via update, and as the invoke response in Teams).
import { CardFactory, type TurnContext } from 'botbuilder';
import type { AdaptiveCard, CardContext } from '../adaptive-cards/card.ts';
import { t, type MessageKey, type MessageParams } from '../adaptive-cards/texts.ts';
import type { Member, ChatAccount } from '../infra/identities.ts';
import type { Locale } from '../domain/types.ts';

export class Turn {
  /** Set when the turn is a Teams Universal Action: the card to return in the invoke response. */
  invokeCard: AdaptiveCard | null = null;
  /**
   * Set by a command that has queued what it committed to the outbox itself (a posted request's wave),
   * or knows it committed nothing this time (an accept that lost the race): the turn then skips the
   * look for outbox rows to queue.
   */
  outboxHandled = false;

  constructor(
    readonly context: TurnContext,
    readonly account: ChatAccount,
    readonly member: Member | null,
    readonly card: CardContext,
    readonly now: Date,
  ) {}

  get locale(): Locale {
    return this.card.locale;
  }

  t(key: MessageKey, params?: MessageParams): string {
    return t(this.locale, key, params);
  }

  async send(card: AdaptiveCard): Promise<string | undefined> {
    const res = await this.context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
    return res?.id;
  }

  async say(key: MessageKey, params?: MessageParams): Promise<void> {
    await this.context.sendActivity(this.t(key, params));
  }

  /**
   * The message `replace` draws again in the chat itself: the card whose button was pressed. Null for
   * a Teams Universal Action, whose answer is the invoke response rather than the chat's stored card.
   */
  get cardRedrawnInPlace(): string | null {
    const a = this.context.activity;
    return a.type === 'invoke' ? null : (a.replyToId ?? null);
  }

  /** Replace the card whose button was pressed; falls back to sending a new one. */
  async replace(card: AdaptiveCard): Promise<void> {
    const a = this.context.activity;
    if (a.type === 'invoke') {
      this.invokeCard = card;
      return;
    }
    if (a.replyToId) {
      try {
        await this.context.updateActivity({ type: 'message', id: a.replyToId, conversation: a.conversation, attachments: [CardFactory.adaptiveCard(card)] });
        return;
      } catch {
        // Some clients can't update; a new message is the next best thing.
      }
    }
    await this.send(card);
  }
}
