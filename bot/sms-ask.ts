// A person helped asks by SMS (issue 19). An unknown number that writes «Jeg trenger handlehjelp på
// fredag» is answered with a few short questions — name, address, area, consent in plain words — and
// then what and when if the first message did not say; a person already signed up just writes what
// and when. The questions are domain/sms-ask.ts'; the sign-up and the request are the very ones the
// chat makes (use-cases/register-self.ts and use-cases/ask-for-help.ts), and SMS becomes their channel, so
// every notice after that («Astrid kommer fredag …», the reminder, «Hvordan gikk det?») comes by SMS
// as text with its answer code, through the same commands as in the chat.
import { formatTime, formatWhen } from '../adaptive-cards/format.ts';
import { t, type MessageKey } from '../adaptive-cards/texts.ts';
import { channelKindOf } from '../domain/channels.ts';
import { answerAsk, languageWord, readDay, readKind, startAsk, type SmsAskContext, type SmsAskOutcome, type SmsAskProblem, type SmsAskState, type SmsAskStep } from '../domain/sms-ask.ts';
import { SELF_REQUEST_KIND_RULES, SELF_REQUEST_KINDS, type SelfRequestKind } from '../domain/self-request.ts';
import { parseTextAnswer, smsServiceWord } from '../domain/sms.ts';
import type { Locale } from '../domain/types.ts';
import { listCentres } from '../infra/centres.ts';
import { enableSms } from '../infra/channels.ts';
import { matchingSettings } from '../infra/requests.ts';
import { offeredGroups, ownPerson } from '../infra/self-requests.ts';
import { askForHelp } from '../use-cases/ask-for-help.ts';
import { registerSelf } from '../use-cases/register-self.ts';
import { endSmsConversation, saveSmsConversation, smsConversationOf } from '../infra/sms-conversations.ts';
import { kickPendingOutbox } from '../jobs/queues.ts';
import type { BotDeps } from './deps.ts';
import { offersGoOutAt } from './request-submit.ts';
import type { Turn } from './turn.ts';
import { savedRequestStanding, type SavedRequestStanding } from '../domain/request-standing.ts';

const PROBLEM_TEXT: Partial<Record<SmsAskProblem, MessageKey>> = { consent: 'smsAsk.problem.consent', day: 'smsAsk.problem.day', what: 'smsAsk.problem.what' };

/** Words that say «I want to ask for something», for a person already signed up who names no kind or day. */
const ASKING = /\b(trenger|hjelp|bestill\w*|ny|need|help|ask|new)\b/i;

/** What a person asking by SMS is told (domain/request-standing.ts decides which; nobody fitting yet is for staff). */
const SMS_SAVED = {
  awaitingLink: 'smsAsk.sentPending', waitingConsent: 'self.sentHeld', noneEligible: 'smsAsk.sent', heldUntilMorning: 'smsAsk.sentAt', sent: 'smsAsk.sent',
} as const satisfies Record<SavedRequestStanding, MessageKey>;

/**
 * This SMS, when it belongs to the asking conversation: someone unknown, or a person helped who asks
 * or is in the middle of asking. False leaves it to the rest of the turn (an answer code, STOPP, a
 * volunteer's or caregiver's text).
 */
export async function askBySms(deps: BotDeps, turn: Turn, text: string): Promise<boolean> {
  if (channelKindOf(turn.account.channelId) !== 'sms') return false;
  const member = turn.member;
  if (member && member.role !== 'person') return false;
  const service = smsServiceWord(text);
  if (service === 'stop' || service === 'start') return false;
  // «JA 4821»: an answer to one of our messages, read by the text channel (an unknown number's finds nothing).
  if (parseTextAnswer(text).code) {
    if (member) return false;
    await say(turn, turn.locale, 'smsAsk.unknown');
    return true;
  }
  const msisdn = turn.account.userId;
  const state = await smsConversationOf(deps.db, msisdn, turn.now);
  const locale: Locale = state?.locale ?? member?.locale ?? 'nb';
  if (service === 'help') {
    await say(turn, locale, 'smsAsk.help');
    return true;
  }
  const person = member ? await ownPerson(deps.db, member.id) : null;
  const centreIds = person ? [person.centreId] : (await listCentres(deps.db)).map((c) => c.id);
  const ctx: SmsAskContext = { now: turn.now, kinds: await kindsOffered(deps, centreIds, state?.signup?.centreId), centreIds };

  const language = languageWord(text);
  if (language) {
    if (member) await deps.db.query('UPDATE members SET locale = $2 WHERE id = $1', [member.id, language]);
    const switched: SmsAskState = state ? { ...state, locale: language } : { locale: language, asked: null, ...(member ? {} : { signup: {} }) };
    return answer(deps, turn, switched, answerAsk({ ...switched, asked: null }, '', ctx), ctx, true);
  }
  if (!state) {
    // A person we know writes «takk» after a notice: not a new request.
    if (member && !readKind(text) && !readDay(text, turn.now) && !ASKING.test(text)) {
      await say(turn, locale, 'smsAsk.help');
      return true;
    }
    return answer(deps, turn, null, startAsk(text, { ...ctx, locale, signup: !member }), ctx, !member);
  }
  return answer(deps, turn, state, answerAsk(state, text, ctx), ctx, false);
}

/** The kinds of help a centre offers (all its centres' for someone who has not chosen one yet). */
async function kindsOffered(deps: BotDeps, centreIds: readonly string[], chosen: string | undefined): Promise<SelfRequestKind[]> {
  const groups = new Set<string>();
  for (const id of chosen ? [chosen] : centreIds) for (const g of await offeredGroups(deps.db, id)) groups.add(g);
  return SELF_REQUEST_KINDS.filter((k) => groups.has(SELF_REQUEST_KIND_RULES[k].group));
}

async function answer(deps: BotDeps, turn: Turn, before: SmsAskState | null, outcome: SmsAskOutcome, ctx: SmsAskContext, greet: boolean): Promise<true> {
  const msisdn = turn.account.userId;
  if ('declined' in outcome) {
    await endSmsConversation(deps.db, msisdn);
    await say(turn, before?.locale ?? turn.locale, 'smsAsk.declined');
    return true;
  }
  if ('ask' in outcome) {
    await saveSmsConversation(deps.db, { msisdn, memberId: turn.member?.id ?? null, state: outcome.state, now: turn.now });
    const locale = outcome.state.locale;
    const lead = greet ? t(locale, 'smsAsk.welcome') : outcome.problem ? t(locale, PROBLEM_TEXT[outcome.problem] ?? 'smsAsk.problem') : '';
    await turn.context.sendActivity([lead, await question(deps, outcome.state, outcome.ask, ctx)].filter(Boolean).join('\n'));
    return true;
  }
  await finish(deps, turn, outcome.state, outcome.done, ctx);
  return true;
}

/** The text of a question, in the conversation's language. */
async function question(deps: BotDeps, state: SmsAskState, step: SmsAskStep, ctx: SmsAskContext): Promise<string> {
  const l = state.locale;
  const list = (labels: string[]) => labels.map((label, i) => t(l, 'smsAsk.listItem', { n: i + 1, label })).join(', ');
  switch (step) {
    case 'address':
      return t(l, 'smsAsk.ask.address', { name: firstName(state.signup?.name ?? '') });
    case 'centre': {
      const centres = await listCentres(deps.db);
      return t(l, 'smsAsk.ask.centre', { list: list(ctx.centreIds.map((id) => centres.find((c) => c.id === id)?.name ?? id)) });
    }
    case 'consent':
      return t(l, 'smsAsk.ask.consent', { months: deps.config.CONSENT_VALIDITY_MONTHS, days: deps.config.RETENTION_DAYS });
    case 'what':
      return t(l, 'smsAsk.ask.what', { list: list(ctx.kinds.map((k) => t(l, `self.kind.${k}`))) });
    default:
      return t(l, `smsAsk.ask.${step}`);
  }
}

/**
 * All answered: someone new becomes a person of the centre with their own consent (basis self) and SMS
 * as their channel; then the request, exactly as the chat's short form makes it. A day that cannot be
 * asked for any more is asked again.
 */
async function finish(deps: BotDeps, turn: Turn, state: SmsAskState, request: Parameters<typeof askForHelp>[1]['request'], ctx: SmsAskContext): Promise<void> {
  const { db } = deps;
  const msisdn = turn.account.userId;
  const locale = state.locale;
  let memberId = turn.member?.id ?? null;
  let name = turn.member?.firstName ?? '';
  let held = false;
  if (!memberId) {
    const u = state.signup!;
    const registered = await registerSelf(db, {
      account: turn.account, centreId: u.centreId ?? ctx.centreIds[0]!, person: { name: u.name!, phone: msisdn, address: u.address!, district: u.district! },
      locale, at: turn.now, consentValidityMonths: deps.config.CONSENT_VALIDITY_MONTHS,
    });
    memberId = registered.memberId;
    held = registered.held;
    name = firstName(u.name!);
    // They wrote to us by SMS: that is where they hear from us.
    await enableSms(db, memberId, { prefer: true });
  }
  const result = await askForHelp(db, { memberId, request, locale, now: turn.now, matching: matchingSettings(deps.config) });
  const { signup: _signedUp, ...asPerson } = state;
  if (!result.ok) {
    if (result.problem === 'gone' || result.problem === 'invalid') {
      await endSmsConversation(db, msisdn);
      await say(turn, locale, result.problem === 'gone' ? 'self.gone' : 'error.unexpected');
    } else {
      const unavailable = result.problem === 'unavailable';
      const again: SmsAskState = { ...asPerson, asked: unavailable ? 'what' : 'day' };
      if (unavailable) delete again.kind;
      else {
        delete again.date;
        delete again.part;
        delete again.week;
      }
      await answer(deps, turn, state, { state: again, ask: again.asked!, problem: unavailable ? 'what' : 'day' }, ctx, false);
    }
    await kickPendingOutbox(deps);
    return;
  }
  await endSmsConversation(db, msisdn);
  const what = t(locale, `self.kind.${request.kind}`);
  const when = formatWhen(locale, result.startsAt, result.flexibleUntil);
  // Asked at night: say when it really goes out, not that we are looking already.
  const goesOutAt = result.status === 'open' ? offersGoOutAt(deps, turn.now, false, turn.now) : null;
  // A first request from someone who just signed up waits for the centre's call, like a link staff confirm.
  const standing = held ? 'awaitingLink' : savedRequestStanding({ ...result, goesOutAt });
  const text = t(locale, SMS_SAVED[standing], { name, what, when, time: goesOutAt ? formatTime(goesOutAt) : '' });
  await turn.context.sendActivity(text);
  // The staff's «Bekreft» / «Avvis» and the offers are in the outbox: out now rather than at the next poll.
  await kickPendingOutbox(deps);
}

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? '';

async function say(turn: Turn, locale: Locale, key: MessageKey): Promise<void> {
  await turn.context.sendActivity(t(locale, key));
}
