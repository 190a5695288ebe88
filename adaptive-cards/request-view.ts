// How the public part of a request reads on a card (offer, task, my tasks). Reads only the named
// fields of PublicRequestView: never spreads or serialises the object it is given.
import type { Locale, PublicRequestView } from '../domain/types.ts';
import type { Fact } from './card.ts';
import { languageLabel } from './choices.ts';
import { formatDateTime, formatDuration, formatWindow } from './format.ts';
import { t } from './texts.ts';

export function publicFacts(locale: Locale, view: PublicRequestView, groupLabel: string): Fact[] {
  const list: Fact[] = [
    { title: t(locale, 'offer.what'), value: groupLabel },
    { title: t(locale, 'offer.where'), value: view.district },
    { title: t(locale, 'offer.when'), value: formatDateTime(locale, view.startsAt) },
    { title: t(locale, 'offer.duration'), value: formatDuration(locale, view.durationMinutes) },
  ];
  if (view.flexibleUntil) list.push({ title: t(locale, 'offer.flexible'), value: formatWindow(locale, view.startsAt, view.flexibleUntil) });
  return list;
}

/** "Haster · Førstegangsvennlig · Ansatt blir med · Språk: Arabisk · Politiattest kreves" */
export function requestFlags(locale: Locale, view: PublicRequestView): string[] {
  const r = view.requirements;
  const flags: string[] = [];
  if (view.urgent) flags.push(t(locale, 'flag.urgent'));
  if (r.firstTimeFriendly) flags.push(t(locale, 'flag.firstTimeFriendly'));
  if (r.staffAlong) flags.push(t(locale, 'flag.staffAlong'));
  if (r.language) flags.push(t(locale, 'flag.language', { language: languageLabel(locale, r.language) }));
  if (r.policeCertificate) flags.push(t(locale, 'flag.policeCertificate'));
  return flags;
}

export const FLAG_SEPARATOR = ' · ';
