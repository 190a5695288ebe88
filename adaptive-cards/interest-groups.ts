// The coordinator's view of the centre's interest groups: the list, and one form to rename a group or
// add a new one (one form, because Web Chat treats repeated input ids as one).
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, facts, heading, text } from './card.ts';
import { formKit, type FormErrors, type FormValues } from './form.ts';
import { t } from './texts.ts';

export type InterestGroupField = 'groupKey' | 'nameNb' | 'nameNn' | 'nameEn';

export interface InterestGroupsInput {
  groups: ReadonlyArray<{ key: string; nameNb: string; nameNn?: string | null; nameEn: string }>;
  values?: FormValues<InterestGroupField>;
  errors?: FormErrors<InterestGroupField>;
}

/** The choice value that means "a new group". */
export const NEW_GROUP = 'new';

export function interestGroupsCard(ctx: CardContext, input: InterestGroupsInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const f = formKit<InterestGroupField>(locale, { groupKey: NEW_GROUP, ...input.values }, input.errors);
  const body: CardElement[] = [
    heading(t(locale, 'groups.title')),
    text(t(locale, 'groups.intro')),
    facts(input.groups.map((g) => ({ title: g.nameNb, value: g.nameNn ? `${g.nameNn} · ${g.nameEn}` : g.nameEn }))),
    ...f.choice(
      'groupKey',
      t(locale, 'groups.which'),
      [{ title: t(locale, 'groups.new'), value: NEW_GROUP }, ...input.groups.map((g) => ({ title: g.nameNb, value: g.key }))],
      { required: true },
    ),
    ...f.text('nameNb', t(locale, 'groups.nameNb'), { required: true, maxLength: 60 }),
    ...f.text('nameNn', t(locale, 'groups.nameNn'), { maxLength: 60 }),
    ...f.text('nameEn', t(locale, 'groups.nameEn'), { required: true, maxLength: 60 }),
    actionSet([actionButton(channel, t(locale, 'groups.save'), { action: 'staff.group.save' }, { style: 'positive' })]),
    actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })]),
  ];
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'groups.title') });
}
