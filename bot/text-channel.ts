// Channels that show no cards (our SMS gateway, Bot Framework's sms and email channels, any channel
// that reports no card support): every card a turn sends leaves as its text (infra/text-render.ts,
// the one renderer), and a text answer («JA 4821», «2») is read back into the button data it stands
// for, so the same command runs as for a tap. STOPP, START and HJELP act on SMS itself.
import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { answerData, KEYWORD_SYNONYMS } from '../adaptive-cards/text.ts';
import type { MessageKey, MessageParams } from '../adaptive-cards/texts.ts';
import { channelKindOf, rendersCards } from '../domain/channels.ts';
import { parseTextAnswer, smsServiceWord } from '../domain/sms.ts';
import { startSms, stopSms } from '../infra/channels.ts';
import type { Database } from '../infra/db.ts';
import type { Member, ChatAccount } from '../infra/identities.ts';
import { cardOf, renderAsText } from '../infra/text-render.ts';
import { answersFor, codesTaking } from '../infra/text-answers.ts';
import type { Config } from '../infra/config.ts';
import { accountOf } from './turn-context.ts';

/** Whether this turn's channel shows cards; a channel may also say so itself (entities: clientCapabilities). */
export function showsCards(activity: Partial<Activity>): boolean {
  return rendersCards(activity.channelId ?? '');
}

/**
 * Turns the cards a turn sends into text for a text-only channel. An update of a sent card (a pressed
 * button's card replaced in place) cannot change a text already on a phone: it goes as a new message.
 */
export function textChannelMiddleware(deps: { db: Database; config: Config; now: () => Date }): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      if (showsCards(context.activity)) return next();
      const account = accountOf(context.activity);
      const toText = async (a: Partial<Activity>): Promise<Partial<Activity>> => {
        const card = cardOf(a as { attachments?: Array<{ contentType: string; content: unknown }> });
        if (!card) return a;
        const member = await memberOf(deps.db, account);
        const message = await renderAsText(
          deps.db,
          { type: 'message', attachments: a.attachments as Array<{ contentType: string; content: unknown }> },
          { ...account, memberId: member, kind: channelKindOf(account.channelId), locale: card.lang },
          { now: deps.now(), publicBaseUrl: deps.config.PUBLIC_BASE_URL, linkMinutes: deps.config.sms?.linkMinutes ?? 60 },
        );
        const { attachments: _attachments, attachmentLayout: _layout, ...rest } = a;
        return { ...rest, type: 'message', text: message.text };
      };
      context.onSendActivities(async (_ctx, activities, nextSend) => {
        for (let i = 0; i < activities.length; i++) activities[i] = (await toText(activities[i]!)) as Partial<Activity>;
        return nextSend();
      });
      context.onUpdateActivity(async (ctx, activity) => {
        const { id: _id, ...fresh } = activity;
        await ctx.sendActivity(fresh);
      });
      return next();
    },
  };
}

async function memberOf(db: Database, account: ChatAccount): Promise<string | null> {
  const rows = await db.query<{ member_id: string | null }>('SELECT member_id FROM chat_identities WHERE channel_id = $1 AND user_id = $2', [account.channelId, account.userId]);
  return rows[0]?.member_id ?? null;
}

export type TextAnswerResult = { action: Record<string, unknown> } | { reply: MessageKey; params?: MessageParams } | null;

/**
 * A text answer on a text-only channel: the button data it stands for, or a reply to give instead
 * (STOPP, HJELP, an unknown code). Null when the text is not an answer (a greeting, a typed command).
 */
export async function readTextAnswer(db: Database, account: ChatAccount, member: Member | null, text: string, now: Date): Promise<TextAnswerResult> {
  if (channelKindOf(account.channelId) !== 'sms') return readNumbered(db, account, text, now);
  switch (smsServiceWord(text)) {
    case 'stop':
      await stopSms(db, account.userId, now);
      return { reply: 'sms.stopped' };
    case 'start':
      await startSms(db, account.userId);
      return { reply: 'sms.started' };
    case 'help':
      return { reply: 'sms.help' };
    case null:
      break;
  }
  if (!member) return { reply: 'sms.unknownSender' };
  const answer = parseTextAnswer(text);
  const keys = answer.key ? [answer.key, ...(KEYWORD_SYNONYMS[answer.key] ? [KEYWORD_SYNONYMS[answer.key]!] : [])] : [];
  let found: { code: string; options: Awaited<ReturnType<typeof codesTaking>>[number]['options'] };
  if (answer.code) {
    const stored = await answersFor(db, account, answer.code, now);
    if (!stored || 'expired' in stored) return { reply: 'sms.unknownCode', params: { code: answer.code } };
    found = stored;
  } else {
    // «JA» alone is clear when only one message waits for a JA.
    const candidates = keys.length ? await codesTaking(db, account, keys, now) : [];
    if (candidates.length !== 1) return { reply: keys.length && candidates.length > 1 ? 'sms.needCode' : 'sms.help' };
    found = candidates[0]!;
  }
  const option = found.options.find((o) => keys.includes(o.key));
  if (!option) return { reply: 'sms.unknownAnswer', params: { code: found.code } };
  const data = answerData(option, answer.rest);
  return 'error' in data ? { reply: data.error } : { action: data.data };
}

/** «2», «3 1,5»: the numbered answers of the latest message in a text-only chat. */
async function readNumbered(db: Database, account: ChatAccount, text: string, now: Date): Promise<TextAnswerResult> {
  const m = /^(\d{1,2})\b\s*(.*)$/s.exec(text.trim());
  if (!m) return null;
  const stored = await answersFor(db, account, '', now);
  const option = stored && !('expired' in stored) ? stored.options.find((o) => o.key === m[1]) : undefined;
  if (!option) return { reply: 'text.unknownNumber' };
  const data = answerData(option, m[2] ?? '');
  return 'error' in data ? { reply: data.error } : { action: data.data };
}
