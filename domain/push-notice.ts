// What a push notification may say, and when it may make a sound. A push leaves Dugnad for the
// browser maker's push service (encrypted, but it still lands on a lock screen anyone nearby can
// read), so it carries less than even an offer card: the kind of help, the area and the time —
// never who, an address, a phone number, a note, a volunteer's name or the request's free-text
// summary. The chat, once opened, shows the rest to whoever may see it. Senders build a notice only
// from pushFacts and check the finished text with isRedacted before it leaves.

import { findPersonalData } from './confidentiality.ts';
import { nextAllowedSendTime, type QuietHoursOptions } from './quiet-hours.ts';
import type { PrivateRequestDetails, PublicRequestView } from './types.ts';

export const PUSH_KINDS = [
  /** A new offer or series offer: tapping it opens the offer in the chat. */
  'offer',
  'seriesOffer',
  /** Replaces an offer's notification once someone else took it, or it was withdrawn. */
  'offerTaken',
  'offerWithdrawn',
  /** A task of yours is coming up / how did it go / it was cancelled. */
  'reminder',
  'followUp',
  'cancelled',
  /** To whoever asked for help: a volunteer took it, or something else changed about it. */
  'taken',
  'status',
  /** Anything else: no facts at all, only that there is something to read. */
  'general',
] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/** The only facts a push may carry. */
export interface PushFacts {
  kind: PushKind;
  /** Interest group key (the sender turns it into the group's name in the reader's language). */
  group: string | null;
  district: string | null;
  startsAt: Date | null;
  urgent: boolean;
}

/**
 * Built field by field from the public view (an allow-list, as publicView is): whatever else the
 * argument carries at run time — summary, requirements, ids, private details — stays behind.
 */
export function pushFacts(kind: PushKind, request: Pick<PublicRequestView, 'group' | 'district' | 'startsAt' | 'urgent'> | null): PushFacts {
  if (!request || kind === 'general') return { kind: 'general', group: null, district: null, startsAt: null, urgent: false };
  return { kind, group: request.group, district: request.district, startsAt: new Date(request.startsAt.getTime()), urgent: request.urgent };
}

/**
 * The last guard on a finished push: none of the request's private details appears in it, nor any of
 * `names` (people the message is about, e.g. the volunteer who took a caregiver's request).
 */
export function isRedacted(text: string, details: PrivateRequestDetails | null, names: readonly string[] = []): boolean {
  if (details && findPersonalData(text, details).length > 0) return false;
  const blank: PrivateRequestDetails = { personName: '', address: '', phone: '', meetingPlace: null, handoverNote: null, contactName: null, contactPhone: null };
  return names.every((name) => name.trim() === '' || findPersonalData(text, { ...blank, personName: name }).length === 0);
}

/**
 * Whether the notification may sound: a message that is not urgent never buzzes during quiet hours
 * (it should not be sent then at all — jobs hold it — but a retry or a late job must not wake anyone).
 */
export function pushAlert(now: Date, urgent: boolean, quiet: Omit<QuietHoursOptions, 'urgent'>): 'alert' | 'silent' {
  return nextAllowedSendTime(now, { ...quiet, urgent }).getTime() > now.getTime() ? 'silent' : 'alert';
}

/**
 * How long the push service keeps a notice for a phone that is off: an offer or reminder is worthless
 * once its task has started, anything else a day. Seconds, at least one minute.
 */
export function pushLifetimeSeconds(facts: PushFacts, now: Date): number {
  const day = 24 * 3600;
  if (!facts.startsAt || !['offer', 'seriesOffer', 'reminder'].includes(facts.kind)) return day;
  return Math.max(60, Math.min(day * 4, Math.floor((facts.startsAt.getTime() - now.getTime()) / 1000)));
}
