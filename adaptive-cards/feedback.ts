// Cards for issue 5's caregiver extras: «Hvordan gikk besøket?» for the caregiver (or person helped)
// who asked (to staff only), the staff card that confirms or rejects a caregiver's new link or a person
// who signed up themselves, and the coordinator's switches for whether the centre verifies them at all.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext } from './card.ts';
import { actionSet, adaptiveCard, heading, subheading, text } from './card.ts';
import { formKit } from './form.ts';
import { t } from './texts.ts';

export interface FeedbackCardInput {
  assignmentId: string;
  volunteerFirstName: string;
  /** Already formatted in the card's language. */
  what: string;
  when: string;
}

export function feedbackCard(ctx: CardContext, input: FeedbackCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const f = formKit<'comment'>(locale);
  const data = { action: 'caregiver.feedback', assignmentId: input.assignmentId } as const;
  return adaptiveCard(
    ctx,
    [
      heading(t(locale, 'feedback.title')),
      text(t(locale, 'feedback.intro', { name: input.volunteerFirstName, what: input.what, when: input.when })),
      ...f.text('comment', t(locale, 'feedback.comment'), { multiline: true, maxLength: 1000 }),
    ],
    {
      fallbackText: t(locale, 'feedback.title'),
      actions: [
        actionButton(channel, t(locale, 'feedback.good'), { ...data, rating: 'good' }, { style: 'positive' }),
        actionButton(channel, t(locale, 'feedback.notGood'), { ...data, rating: 'not_good' }),
      ],
    },
  );
}

export interface LinkVerifyCardInput {
  personId: string;
  caregiverName: string;
  caregiverPhone: string;
  personName: string;
  district: string;
  relation: string | null;
  /** The person signed up themselves (issue 19): `caregiverPhone` is then their own phone, to call them on. */
  selfRegistered?: boolean;
}

/** For the centre's staff: who says they care for whom (or who asks for themselves), with a phone to check by calling. */
export function linkVerifyCard(ctx: CardContext, input: LinkVerifyCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const title = t(locale, input.selfRegistered ? 'self.staffTitle' : 'link.staffTitle');
  return adaptiveCard(
    ctx,
    [
      heading(title),
      text(
        input.selfRegistered
          ? t(locale, 'self.staffText', { person: input.personName, phone: input.caregiverPhone, district: input.district })
          : t(locale, 'link.staffText', {
            caregiver: input.caregiverName, phone: input.caregiverPhone, person: input.personName, district: input.district,
            relation: input.relation ?? t(locale, 'link.noRelation'),
          }),
      ),
    ],
    {
      fallbackText: title,
      actions: [
        actionButton(channel, t(locale, 'link.confirm'), { action: 'staff.link.confirm', personId: input.personId }, { style: 'positive' }),
        actionButton(channel, t(locale, 'link.reject'), { action: 'staff.link.reject', personId: input.personId }, { style: 'destructive' }),
      ],
    },
  );
}

/** `on`: caregivers' links are verified; `selfOn`: people who sign up themselves are (issue 19). */
export function linkSettingsCard(ctx: CardContext, input: { on: boolean; selfOn: boolean }): AdaptiveCard {
  const { locale, channel } = ctx;
  return adaptiveCard(
    ctx,
    [
      heading(t(locale, 'link.settingsTitle')),
      text(t(locale, input.on ? 'link.settingOn' : 'link.settingOff')),
      actionSet([actionButton(channel, t(locale, input.on ? 'link.turnOff' : 'link.turnOn'), { action: 'staff.link.setting', on: !input.on })], { spacing: 'small' }),
      subheading(t(locale, 'self.settingTitle')),
      text(t(locale, input.selfOn ? 'self.settingOn' : 'self.settingOff')),
      actionSet([actionButton(channel, t(locale, input.selfOn ? 'link.turnOff' : 'link.turnOn'), { action: 'staff.self.setting', on: !input.selfOn })], { spacing: 'small' }),
      actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'medium' }),
    ],
    { fallbackText: t(locale, 'link.settingsTitle') },
  );
}
