// Cards for issue 5's caregiver extras: «Hvordan gikk besøket?» for the caregiver who asked (to staff
// only), the staff card that confirms or rejects a caregiver's new link, and the coordinator's switch
// for whether the centre verifies links at all.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext } from './card.ts';
import { actionSet, adaptiveCard, heading, text } from './card.ts';
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
}

/** For the centre's staff: who says they care for whom, with the caregiver's phone to check by calling. */
export function linkVerifyCard(ctx: CardContext, input: LinkVerifyCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  return adaptiveCard(
    ctx,
    [
      heading(t(locale, 'link.staffTitle')),
      text(t(locale, 'link.staffText', {
        caregiver: input.caregiverName, phone: input.caregiverPhone, person: input.personName, district: input.district,
        relation: input.relation ?? t(locale, 'link.noRelation'),
      })),
    ],
    {
      fallbackText: t(locale, 'link.staffTitle'),
      actions: [
        actionButton(channel, t(locale, 'link.confirm'), { action: 'staff.link.confirm', personId: input.personId }, { style: 'positive' }),
        actionButton(channel, t(locale, 'link.reject'), { action: 'staff.link.reject', personId: input.personId }, { style: 'destructive' }),
      ],
    },
  );
}

export function linkSettingsCard(ctx: CardContext, input: { on: boolean }): AdaptiveCard {
  const { locale, channel } = ctx;
  return adaptiveCard(
    ctx,
    [
      heading(t(locale, 'link.settingsTitle')),
      text(t(locale, input.on ? 'link.settingOn' : 'link.settingOff')),
      actionSet([
        actionButton(channel, t(locale, input.on ? 'link.turnOff' : 'link.turnOn'), { action: 'staff.link.setting', on: !input.on }),
        actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' }),
      ], { spacing: 'medium' }),
    ],
    { fallbackText: t(locale, 'link.settingsTitle') },
  );
}
