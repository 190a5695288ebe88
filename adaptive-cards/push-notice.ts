// The words of a push notification, from the facts domain/push-notice.ts allows and nothing else.
// No I/O: the sender looks up the group's name and checks the result with isRedacted.
import type { PushFacts, PushKind } from '../domain/push-notice.ts';
import type { Locale } from '../domain/types.ts';
import { formatDateTime } from './format.ts';
import { t, type MessageKey } from './texts.ts';

/** What the service worker shows (bot/static/sw.js reads exactly these fields). */
export interface PushPayload {
  v: 1;
  title: string;
  body: string;
  /** One notification per thing: a later push with the same tag replaces it on the phone. */
  tag: string;
  /** Where tapping it leads (same origin). */
  url: string;
  lang: Locale;
  /** No sound or vibration (quiet hours, or a notice that only corrects an earlier one). */
  silent: boolean;
}

const TITLE: Record<PushKind, MessageKey> = {
  offer: 'push.offer.title',
  seriesOffer: 'push.seriesOffer.title',
  offerTaken: 'push.offerTaken.title',
  offerWithdrawn: 'push.offerWithdrawn.title',
  reminder: 'push.reminder.title',
  followUp: 'push.followUp.title',
  cancelled: 'push.cancelled.title',
  taken: 'push.taken.title',
  status: 'push.status.title',
  general: 'push.general.title',
};

export function pushPayload(
  locale: Locale,
  facts: PushFacts,
  opts: { groupLabel: string | null; tag: string; url: string; silent: boolean },
): PushPayload {
  const title = t(locale, TITLE[facts.kind]);
  let body = t(locale, 'push.general.body');
  if (facts.kind !== 'general' && facts.startsAt && facts.district !== null) {
    const params = { what: opts.groupLabel ?? facts.group ?? '', district: facts.district, when: formatDateTime(locale, facts.startsAt) };
    const key: MessageKey =
      facts.kind === 'seriesOffer' ? 'push.bodySeries' : facts.kind === 'taken' ? 'push.bodyTaken' : facts.urgent && facts.kind === 'offer' ? 'push.bodyUrgent' : 'push.body';
    body = t(locale, key, params);
  }
  return { v: 1, title, body, tag: opts.tag, url: opts.url, lang: locale, silent: opts.silent };
}
