// The person helped's own short form (issue 19): what, in plain words; which day — or «når som helst
// denne uka»; the part of the day; and «Er det noe den frivillige bør vite?», the private note to the
// volunteer. Radio buttons and one large «Send»: no number input and no hidden required input, so Web
// Chat's renderer (4.18) never holds the submit back without saying why, as it does for an empty
// Input.Number with min/max.
// `selfRequestFields` turns what the card sends into the domain's SelfRequest, the same shape the SMS
// dialogue will hand to askForHelp.
import { z } from 'zod';
import { actionButton } from './action.ts';
import { optionalText } from './actions.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { adaptiveCard, capitalize, heading, stackedButtons, text } from './card.ts';
import { formKit, type FormErrors, type FormValues } from './form.ts';
import { formatDate } from './format.ts';
import { t } from './texts.ts';
import { SELF_REQUEST_DAY_PARTS, SELF_REQUEST_KINDS, type SelfRequest, type SelfRequestKind } from '../domain/self-request.ts';
import { osloWallClock } from '../domain/time-zone.ts';

/** The value of the «når som helst denne uka» choice among the days. */
export const ANY_DAY_THIS_WEEK = 'week';

export const selfRequestFields = z
  .object({
    what: z.enum(SELF_REQUEST_KINDS, { message: 'error.selfWhat' }),
    day: z.union([z.literal(ANY_DAY_THIS_WEEK), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)], { message: 'error.selfDay' }),
    part: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.enum(SELF_REQUEST_DAY_PARTS, { message: 'error.selfPart' }).nullable()),
    note: optionalText(1000),
  })
  // A day needs its part of the day; «når som helst denne uka» does not.
  .refine((f) => f.day === ANY_DAY_THIS_WEEK || f.part !== null, { message: 'error.selfPart', path: ['part'] })
  .transform(
    (f): SelfRequest => ({
      kind: f.what,
      when: f.day === ANY_DAY_THIS_WEEK ? { kind: 'week' } : { kind: 'day', date: f.day, part: f.part! },
      note: f.note,
    }),
  );
export type SelfRequestField = 'what' | 'day' | 'part' | 'note';

export interface SelfRequestFormInput {
  /** The kinds the person's centre offers (their interest group exists there). */
  kinds: readonly SelfRequestKind[];
  /** The dates offered, today first (domain/self-request.ts selfRequestDays). */
  days: readonly string[];
  /** The last day of «når som helst denne uka». */
  weekUntil: Date;
  values?: FormValues<SelfRequestField>;
  errors?: FormErrors<SelfRequestField>;
}

export function selfRequestFormCard(ctx: CardContext, input: SelfRequestFormInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const f = formKit<SelfRequestField>(locale, input.values, input.errors);
  const dayTitle = (date: string, i: number) => {
    const day = formatDate(locale, osloWallClock(date, '12:00'));
    return i === 0 ? t(locale, 'self.today', { date: day }) : i === 1 ? t(locale, 'self.tomorrow', { date: day }) : capitalize(day);
  };
  const body: CardElement[] = [
    heading(t(locale, 'self.requestTitle')),
    ...f.summary(),
    ...f.choice('what', t(locale, 'self.what'), input.kinds.map((k) => ({ title: t(locale, `self.kind.${k}`), value: k })), { expanded: true, required: true, invalidKey: 'error.selfWhat' }),
    ...f.choice(
      'day',
      t(locale, 'self.day'),
      [
        ...input.days.map((date, i) => ({ title: dayTitle(date, i), value: date })),
        { title: t(locale, 'self.week', { date: formatDate(locale, input.weekUntil) }), value: ANY_DAY_THIS_WEEK },
      ],
      { expanded: true, required: true, invalidKey: 'error.selfDay' },
    ),
    // Not required in the card: «når som helst denne uka» needs none (the bot checks the rest).
    ...f.choice('part', t(locale, 'self.part'), SELF_REQUEST_DAY_PARTS.map((p) => ({ title: t(locale, `self.part.${p}`), value: p })), { expanded: true }),
    text(t(locale, 'self.partHint'), { isSubtle: true, size: 'small', spacing: 'small' }),
    ...f.text('note', t(locale, 'self.note'), { multiline: true, maxLength: 1000 }),
    text(t(locale, 'self.noteHint'), { isSubtle: true, size: 'small', spacing: 'small' }),
    ...stackedButtons([
      actionButton(channel, t(locale, 'self.send'), { action: 'self.request.submit' }, { style: 'positive' }),
      actionButton(channel, t(locale, 'common.cancel'), { action: 'menu.show' }),
    ]),
  ];
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'self.requestTitle') });
}
