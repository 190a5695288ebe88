// A person helped asks by SMS (issue 19): «Jeg trenger handlehjelp på fredag» is read for what and
// when, and the few things still missing are asked one short question at a time — for someone new
// their name, address, area and consent first. The answers add up to the same SelfRequest the chat's
// short form makes (domain/self-request.ts). Pure: the time and the kinds the centre offers come in.
import type { DayPart } from './availability.ts';
import type { Locale } from './types.ts';
import { SELF_REQUEST_DAY_PARTS, selfRequestDays, type SelfRequest, type SelfRequestKind } from './self-request.ts';
import { addDaysToDate, isoWeekday } from './series.ts';
import { osloDate } from './time-zone.ts';

/** The questions, in the order they are asked (those already answered are skipped). */
export const SMS_ASK_STEPS = ['name', 'address', 'district', 'centre', 'consent', 'what', 'day', 'part'] as const;
export type SmsAskStep = (typeof SMS_ASK_STEPS)[number];

export interface SmsAskState {
  locale: Locale;
  /** The question last asked; null before the first. */
  asked: SmsAskStep | null;
  /** Someone new (no member yet): who they are, until they consent and become a person of the centre. */
  signup?: { name?: string; address?: string; district?: string; centreId?: string; consent?: true };
  kind?: SelfRequestKind;
  /** A day (Oslo date) or «when it suits this week». */
  date?: string;
  week?: true;
  part?: DayPart;
}

/** What is known about the asker's situation while reading. */
export interface SmsAskContext {
  now: Date;
  /** The kinds of help the centre offers, in the order the question lists them. */
  kinds: readonly SelfRequestKind[];
  /** The centres to choose from (someone new); the question is skipped when there is one. */
  centreIds: readonly string[];
}

export type SmsAskOutcome =
  /** Ask this next (`problem`: the last answer could not be used, say why first). */
  | { state: SmsAskState; ask: SmsAskStep; problem?: SmsAskProblem }
  /** Everything is there: sign up (when new) and ask for `request`. */
  | { state: SmsAskState; done: SelfRequest }
  /** They said no to the consent: nothing is kept. */
  | { declined: true };

export type SmsAskProblem = 'name' | 'address' | 'district' | 'choice' | 'consent' | 'what' | 'day' | 'part';

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The message as words between spaces, punctuation gone — but a date's or a time's dots kept («12.12», «14.30»). */
const words = (s: string) => ` ${s.toLowerCase().replace(/[,!?;:()«»"]/g, ' ').replace(/\.(?!\d)|(?<!\d)\./g, ' ').replace(/\s+/g, ' ')} `;

/** «ENGLISH» / «NORSK» at any point switches the language of the questions. */
export function languageWord(text: string): Locale | null {
  const w = clean(text).toLowerCase().replace(/[.!]+$/, '');
  if (w === 'english' || w === 'engelsk') return 'en';
  if (w === 'norsk' || w === 'norwegian' || w === 'bokmål') return 'nb';
  return null;
}

const KIND_WORDS: ReadonlyArray<[SelfRequestKind, RegExp]> = [
  ['doctor', /\s(lege\w*|doktor\w*|sykehus\w*|tannlege\w*|legetime\w*|følge\w*|doctor\w*|hospital\w*|dentist\w*)\s/],
  ['shopping', /\s(handle\w*|handling\w*|butikk\w*|innkjøp\w*|matbutikk\w*|shop\w*|grocer\w*)\s/],
  ['walk', /\s(tur|turen|turer|spasertur\w*|gåtur\w*|turvenn\w*|walk\w*|stroll\w*)\s/],
  ['digital', /\s(mobil\w*|pc\w*|data\w*|nettbrett\w*|ipad\w*|internett\w*|computer\w*|phone\w*|tablet\w*|digital\w*)\s/],
  ['visit', /\s(besøk\w*|prat\w*|selskap\w*|kaffe\w*|visit\w*|company|chat)\s/],
];

const WEEKDAYS: ReadonlyArray<[number, RegExp]> = [
  [1, /\s(mandag|monday)\s/], [2, /\s(tirsdag|tuesday)\s/], [3, /\s(onsdag|wednesday)\s/], [4, /\s(torsdag|thursday)\s/],
  [5, /\s(fredag|friday)\s/], [6, /\s(lørdag|saturday)\s/], [7, /\s(søndag|sunday)\s/],
];

/** What they ask for, read from their own words; null when none of the kinds (or several) is named. */
export function readKind(text: string): SelfRequestKind | null {
  const w = words(text);
  const found = KIND_WORDS.filter(([, re]) => re.test(w)).map(([k]) => k);
  // «Følge til legen for å handle»: the doctor comes first; otherwise two kinds are unclear.
  if (found.includes('doctor')) return 'doctor';
  return found.length === 1 ? found[0]! : null;
}

/** The day they name: today, tomorrow, a weekday (the next one, today included), a date «12.12», or this week. */
export function readDay(text: string, now: Date): { date: string } | { week: true } | null {
  const w = words(text);
  const today = osloDate(now);
  if (/\s(denne uka|denne uken|når som helst|i løpet av uka|this week|any time|anytime)\s/.test(w)) return { week: true };
  if (/\s(i dag|idag|today)\s/.test(w)) return { date: today };
  if (/\s(i morgen|imorgen|tomorrow)\s/.test(w)) return { date: addDaysToDate(today, 1) };
  if (/\s(i overmorgen)\s/.test(w)) return { date: addDaysToDate(today, 2) };
  for (const [day, re] of WEEKDAYS) if (re.test(w)) return { date: addDaysToDate(today, (day - isoWeekday(today) + 7) % 7) };
  const m = /\s(\d{1,2})[./](\d{1,2})\.?\s/.exec(w);
  if (m) {
    const wanted = `-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
    const date = selfRequestDays(now).find((d) => d.endsWith(wanted));
    if (date) return { date };
  }
  return null;
}

/** The part of the day: a word («ettermiddag»), or an hour («kl. 14»). */
export function readPart(text: string): DayPart | null {
  // «i morgen» is a day, not a morning.
  const w = words(text).replace(/\si (morgen|overmorgen)\s/g, ' ');
  if (/\s(ettermiddag\w*|afternoon)\s/.test(w)) return 'afternoon';
  if (/\s(formiddag\w*|morgen\w*|morning)\s/.test(w)) return 'morning';
  if (/\s(kveld\w*|evening|tonight)\s/.test(w)) return 'evening';
  const hour = /\s(?:kl|klokka|klokken|at)\s?(\d{1,2})(?:[:.]\d{2})?\s/.exec(w);
  if (hour) {
    const h = Number(hour[1]);
    if (h >= 6 && h < 12) return 'morning';
    if (h >= 12 && h < 16) return 'afternoon';
    if (h >= 16 && h <= 21) return 'evening';
  }
  return null;
}

/** Whatever a message says about what and when, added to what is known (a later word wins). */
function readRequest(state: SmsAskState, text: string, now: Date): SmsAskState {
  const next = { ...state };
  const kind = readKind(text);
  if (kind) next.kind = kind;
  const day = readDay(text, now);
  if (day && 'week' in day) {
    next.week = true;
    delete next.date;
    delete next.part;
  } else if (day) {
    next.date = day.date;
    delete next.week;
  }
  const part = readPart(text);
  if (part) next.part = part;
  return next;
}

/** Someone new's first message: a fresh conversation, with what and when as far as the message says. */
export function startAsk(text: string, ctx: SmsAskContext & { locale: Locale; signup: boolean }): SmsAskOutcome {
  const state = readRequest({ locale: ctx.locale, asked: null, ...(ctx.signup ? { signup: {} } : {}) }, text, ctx.now);
  return next(state, ctx);
}

/** An answer to the question last asked (and anything else the message says about what and when). */
export function answerAsk(state: SmsAskState, text: string, ctx: SmsAskContext): SmsAskOutcome {
  const value = clean(text);
  const signup = state.signup ? { ...state.signup } : undefined;
  let s: SmsAskState = { ...state, ...(signup ? { signup } : {}) };
  const again = (problem: SmsAskProblem) => ({ state: s, ask: state.asked!, problem });
  const choice = (n: number) => (/^\d{1,2}$/.test(value) ? Number(value) - 1 : -1) === n;
  switch (state.asked) {
    case 'name':
      if (value.length < 2 || value.length > 100 || !/\p{L}/u.test(value) || /\d/.test(value)) return again('name');
      signup!.name = value;
      break;
    case 'address':
      if (value.length < 3 || value.length > 200) return again('address');
      signup!.address = value;
      break;
    case 'district':
      if (value.length < 2 || value.length > 60) return again('district');
      signup!.district = value;
      break;
    case 'centre': {
      const i = ctx.centreIds.findIndex((_, n) => choice(n));
      if (i < 0) return again('choice');
      signup!.centreId = ctx.centreIds[i]!;
      break;
    }
    case 'consent': {
      const w = value.toLowerCase().replace(/[.!]+$/, '');
      if (/^(nei|no|avbryt|cancel)$/.test(w)) return { declined: true };
      if (!/^(ja|yes|ok|jepp|jada|ja takk)$/.test(w)) return again('consent');
      signup!.consent = true;
      break;
    }
    case 'what': {
      const i = ctx.kinds.findIndex((_, n) => choice(n));
      if (i >= 0) s.kind = ctx.kinds[i]!;
      else {
        s = readRequest(s, value, ctx.now);
        if (!s.kind) return again('what');
      }
      break;
    }
    case 'day':
      s = readRequest(s, value, ctx.now);
      if (!s.date && !s.week) return again('day');
      break;
    case 'part': {
      const i = SELF_REQUEST_DAY_PARTS.findIndex((_, n) => choice(n));
      if (i >= 0) s.part = SELF_REQUEST_DAY_PARTS[i]!;
      else {
        s = readRequest(s, value, ctx.now);
        if (!s.part) return again('part');
      }
      break;
    }
    case null:
      s = readRequest(s, value, ctx.now);
      break;
  }
  return next(s, ctx);
}

/** The first question still unanswered, or the request when none is. */
function next(state: SmsAskState, ctx: SmsAskContext): SmsAskOutcome {
  const missing = SMS_ASK_STEPS.find((step) => {
    const u = state.signup;
    switch (step) {
      case 'name':
      case 'address':
      case 'district':
        return u !== undefined && !u[step];
      case 'centre':
        return u !== undefined && !u.centreId && ctx.centreIds.length > 1;
      case 'consent':
        return u !== undefined && !u.consent;
      case 'what':
        return !state.kind || !ctx.kinds.includes(state.kind);
      case 'day':
        return !state.date && !state.week;
      case 'part':
        return !state.week && !state.part;
    }
  });
  if (missing) return { state: { ...state, asked: missing }, ask: missing };
  const when = state.week ? ({ kind: 'week' } as const) : ({ kind: 'day', date: state.date!, part: state.part! } as const);
  return { state: { ...state, asked: null }, done: { kind: state.kind!, when, note: null } };
}
