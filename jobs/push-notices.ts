// Which push notification goes with which message: the kind (domain/push-notice.ts decides what each
// kind may carry), the request it is about, where a tap leads, and the private details the finished
// text is checked against. Ids only go in the URL and tag (random uuids, no one's data).
import type { PushFacts, PushKind } from '../domain/push-notice.ts';
import { pushFacts } from '../domain/push-notice.ts';
import type { HelpRequest, Locale, PrivateRequestDetails } from '../domain/types.ts';
import { pushPayload, type PushPayload } from '../adaptive-cards/push-notice.ts';
import { getAssignment } from '../infra/assignments.ts';
import { getMember } from '../infra/identities.ts';
import { getRequest } from '../infra/requests.ts';
import { privateDetails } from '../infra/request-row.ts';
import { getSeries, seriesOfferForSend } from '../infra/series.ts';
import type { Database } from '../infra/db.ts';
import { offerForSend, type OfferForSend } from '../infra/offers.ts';
import { groupLabel } from './card-activity.ts';
import type { NotifyMessage, SendJob } from './queues.ts';
import { NOTICES } from '../domain/audiences.ts';

/** A push ready to go, with what the guard checks it against. */
export interface PushPlan {
  payload: PushPayload;
  facts: PushFacts;
  /** The request's private details: none may appear in the text. */
  details: PrivateRequestDetails | null;
  /** Other people the message is about (the volunteer who took it): their names may not appear either. */
  names: string[];
}

/** Where tapping a notification about an offer leads: the chat, opened at that offer. */
export function openOfferUrl(kind: 'offer' | 'series', id: string): string {
  return `/?open=${kind}.${encodeURIComponent(id)}`;
}

/**
 * Each message's push kind; what its ref id names comes from the one notice table (domain/audiences.ts).
 * 'general' says only «Du har en ny melding».
 */
const NOTIFY_PUSH: Record<NotifyMessage, PushKind> = {
  'volunteer.reminder': 'reminder',
  'volunteer.followUp': 'followUp',
  'volunteer.requestCancelled': 'cancelled',
  'volunteer.seriesCancelled': 'cancelled',
  'caregiver.reminder': 'reminder',
  'caregiver.feedback': 'followUp',
  'caregiver.seriesTaken': 'taken',
  'caregiver.seriesLeft': 'status',
  'caregiver.taken': 'taken',
  'caregiver.volunteerCancelled': 'status',
  'caregiver.expired': 'status',
  'staff.requestTaken': 'taken',
  'staff.seriesTaken': 'general',
  'staff.seriesLeft': 'general',
  'staff.assignmentCancelled': 'status',
  'staff.expired': 'status',
  'volunteer.seriesMoved': 'general',
  'volunteer.approved': 'general',
  'volunteer.declarationUpdate': 'general',
  'caregiver.linkDecided': 'general',
  'staff.notConfirmed': 'general',
  'staff.concern': 'general',
  'staff.escalation': 'general',
  'staff.consentRenewal': 'general',
  'staff.unreachable': 'general',
  'staff.digest': 'general',
  'staff.feedback': 'general',
  'staff.channelUnreachable': 'general',
  'staff.linkVerify': 'general',
  'staff.policeExpiring': 'general',
  'volunteer.policeExpiring': 'general',
};

async function plan(
  db: Database,
  kind: PushKind,
  request: HelpRequest | null,
  locale: Locale,
  where: { tag: string; url: string; silent?: boolean; names?: string[] },
): Promise<PushPlan> {
  const facts = pushFacts(kind, request);
  const label = request && facts.kind !== 'general' ? await groupLabel(db, request, locale) : null;
  const payload = pushPayload(locale, facts, { groupLabel: label, tag: where.tag, url: where.url, silent: where.silent ?? false });
  return { payload, facts, details: request ? await privateDetails(db, request.id) : null, names: where.names ?? [] };
}

export function offerPush(db: Database, offer: Pick<OfferForSend, 'offerId' | 'request'>, locale: Locale): Promise<PushPlan> {
  return plan(db, 'offer', offer.request, locale, { tag: `offer-${offer.offerId}`, url: openOfferUrl('offer', offer.offerId) });
}

/** Replaces the offer's notification on the phone, without a sound: it only corrects the earlier one. */
export function offerClosedPush(db: Database, offer: Pick<OfferForSend, 'offerId' | 'request'>, locale: Locale): Promise<PushPlan> {
  const kind = offer.request.status === 'cancelled' ? 'offerWithdrawn' : 'offerTaken';
  return plan(db, kind, offer.request, locale, { tag: `offer-${offer.offerId}`, url: openOfferUrl('offer', offer.offerId), silent: true });
}

export function seriesOfferPush(db: Database, seriesOfferId: string, anchor: HelpRequest, locale: Locale): Promise<PushPlan> {
  return plan(db, 'seriesOffer', anchor, locale, { tag: `series-${seriesOfferId}`, url: openOfferUrl('series', seriesOfferId) });
}

export async function notifyPush(db: Database, message: NotifyMessage, refId: string, locale: Locale, now: Date): Promise<PushPlan> {
  const kind = NOTIFY_PUSH[message];
  const ref = kind === 'general' ? null : NOTICES[message].ref;
  let request: HelpRequest | null = null;
  let names: string[] = [];
  if (ref === 'request') request = await getRequest(db, refId);
  else if (ref === 'assignment') {
    const a = await getAssignment(db, refId);
    request = a?.request ?? null;
    if (a) names = [(await getMember(db, a.volunteerId))?.firstName ?? ''];
  } else if (ref === 'series') request = (await getSeries(db, refId, now))?.anchor ?? null;
  if (request?.status === 'taken' && kind === 'taken') {
    const rows = await db.query<{ name: string | null }>('SELECT m.name FROM help_requests r JOIN members m ON m.id = r.assigned_volunteer_id WHERE r.id = $1', [request.id]);
    names = [rows[0]?.name ?? ''];
  }
  return plan(db, kind, request, locale, { tag: `${message}-${refId}`, url: '/', names });
}

/**
 * The push that goes with a send job, whichever path delivers it (one entry for a channel order to call).
 * Series offers name their anchor visit; null when the job's subject is gone.
 */
export async function pushFor(db: Database, job: Extract<SendJob, { kind: 'offer' | 'series.offer' | 'notify' }>, locale: Locale, now: Date): Promise<PushPlan | null> {
  switch (job.kind) {
    case 'offer': {
      const offer = await offerForSend(db, job.offerId);
      return offer ? offerPush(db, offer, locale) : null;
    }
    case 'series.offer': {
      const offer = await seriesOfferForSend(db, job.seriesOfferId, now);
      return offer ? seriesOfferPush(db, job.seriesOfferId, offer.series.anchor, locale) : null;
    }
    case 'notify':
      return notifyPush(db, job.message, job.refId, locale, now);
  }
}
