// The coordinator's politiattest settings: how long a checked certificate counts at the centre, and
// which interest groups require one for every task (a request can also require one on its own).
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, heading, text } from './card.ts';
import { formKit } from './form.ts';
import { t } from './texts.ts';

export interface PoliceSettingsInput {
  validityMonths: number;
  groups: ReadonlyArray<{ key: string; label: string; required: boolean }>;
}

export const POLICE_VALIDITY_YEARS = [1, 2, 3, 4, 5] as const;

export function policeSettingsCard(ctx: CardContext, input: PoliceSettingsInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const years = Math.round(input.validityMonths / 12);
  const f = formKit<'validityYears' | 'requiredGroups'>(locale, {
    validityYears: String(years),
    requiredGroups: input.groups.filter((g) => g.required).map((g) => g.key).join(','),
  });
  const body: CardElement[] = [
    heading(t(locale, 'police.settingsTitle')),
    text(t(locale, 'police.settingsIntro')),
    ...f.choice('validityYears', t(locale, 'police.validity'), POLICE_VALIDITY_YEARS.map((y) => ({ title: t(locale, 'police.years', { years: y }), value: String(y) })), { required: true, expanded: true }),
    ...f.choice('requiredGroups', t(locale, 'police.groups'), input.groups.map((g) => ({ title: g.label, value: g.key })), { multi: true, expanded: true }),
    actionSet([actionButton(channel, t(locale, 'police.save'), { action: 'staff.police.save' }, { style: 'positive' })], { spacing: 'medium' }),
    actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })]),
  ];
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'police.settingsTitle') });
}
