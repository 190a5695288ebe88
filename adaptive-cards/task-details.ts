// The task as the assigned volunteer sees it once it is theirs: the public part plus the private
// details (rule 3: revealed only to the assigned volunteer; the caller records the reveal).
import type { Locale, PrivateRequestDetails, PublicRequestView } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardActionJson, CardContext, CardElement, Fact } from './card.ts';
import { adaptiveCard, facts, markPrivate, stackedButtons, heading, subheading, telUrl, text } from './card.ts';
import { FLAG_SEPARATOR, publicFacts, requestFlags } from './request-view.ts';
import { t, type MessageKey } from './texts.ts';
import type { PrivateField } from '../domain/confidentiality.ts';

export interface TaskDetailsInput {
  assignmentId: string;
  request: PublicRequestView;
  details: PrivateRequestDetails;
  groupLabel: string;
  /** Right after "Ta oppdraget" won: start with "Oppdraget er ditt! …". */
  justAccepted?: boolean;
}

/** The title each private fact is listed under: how a renderer tells the fields of privateFacts apart. */
export const PRIVATE_FACT_TITLES: Readonly<Record<Exclude<PrivateField, 'handoverNote'>, MessageKey>> = {
  personName: 'task.person',
  address: 'task.address',
  phone: 'task.phone',
  meetingPlace: 'task.meetingPlace',
  contactName: 'task.contact',
  contactPhone: 'task.contact',
};

/** The private facts: who, address, phone, meeting place, contact person. */
export function privateFacts(locale: Locale, d: PrivateRequestDetails): Fact[] {
  const list: Fact[] = [
    { title: t(locale, 'task.person'), value: d.personName },
    { title: t(locale, 'task.address'), value: d.address },
    { title: t(locale, 'task.phone'), value: d.phone },
  ];
  if (d.meetingPlace) list.push({ title: t(locale, 'task.meetingPlace'), value: d.meetingPlace });
  if (d.contactName || d.contactPhone) {
    list.push({ title: t(locale, 'task.contact'), value: [d.contactName, d.contactPhone].filter(Boolean).join(', ') });
  }
  return list;
}

/** "Ring Kari" (tel: link) for the person, and for the contact person when there is one. */
export function callActions(locale: Locale, d: PrivateRequestDetails): CardActionJson[] {
  const list: CardActionJson[] = [];
  if (d.phone) list.push({ type: 'Action.OpenUrl', title: t(locale, 'task.call', { name: d.personName }), url: telUrl(d.phone) });
  if (d.contactPhone) {
    list.push({
      type: 'Action.OpenUrl',
      title: d.contactName ? t(locale, 'task.call', { name: d.contactName }) : t(locale, 'task.callContact'),
      url: telUrl(d.contactPhone),
    });
  }
  return list;
}

/** The details and the hand-over note, marked private for `ref` (the assignment). */
export function privateBody(locale: Locale, details: PrivateRequestDetails, ref: string): { facts: CardElement; note: CardElement[] } {
  return {
    facts: markPrivate('facts', ref, facts(privateFacts(locale, details), { separator: true })),
    note: details.handoverNote
      ? [markPrivate('note', ref, subheading(t(locale, 'task.handoverNote'))), markPrivate('note', ref, text(details.handoverNote, { spacing: 'small' }), 2)]
      : [],
  };
}

/** The whole task as the assigned volunteer sees it: flags, what/where/when, who, summary, hand-over note. */
export function taskBody(locale: Locale, request: PublicRequestView, details: PrivateRequestDetails, groupLabel: string, assignmentId: string): CardElement[] {
  const body: CardElement[] = [];
  const flags = requestFlags(locale, request);
  if (flags.length > 0) body.push(text(flags.join(FLAG_SEPARATOR), { weight: 'bolder' }));
  const own = privateBody(locale, details, assignmentId);
  body.push(facts(publicFacts(locale, request, groupLabel)), own.facts, text(request.summary, { spacing: 'medium' }), ...own.note);
  return body;
}

export function taskDetailsCard(ctx: CardContext, input: TaskDetailsInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const { request, details } = input;
  const body: CardElement[] = [];
  if (input.justAccepted) body.push(text(t(locale, 'offer.accepted'), { color: 'good', weight: 'bolder', size: 'medium' }));
  body.push(heading(t(locale, 'task.title')), ...taskBody(locale, request, details, input.groupLabel, input.assignmentId));
  body.push(
    text(t(locale, 'task.confidential'), { weight: 'bolder', spacing: 'medium' }),
    text(t(locale, 'task.concern'), { isSubtle: true, spacing: 'small' }),
    text(t(locale, 'task.emergency'), { isSubtle: true, spacing: 'small' }),
  );
  // One button per row: large touch targets on a phone.
  const buttons: CardActionJson[] = [
    ...callActions(locale, details),
    actionButton(channel, t(locale, 'task.cancel'), { action: 'assignment.cancel.start', assignmentId: input.assignmentId }, { style: 'destructive' }),
    actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' }),
  ];
  body.push(...stackedButtons(buttons));
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'task.title') });
}
