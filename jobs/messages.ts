// What the workers say: offer cards, their closed states, and notifications. Built from public
// request data only (domain/confidentiality decides what that is); staff notices may name the
// volunteer's first name, never the person helped.
import { offerCard } from '../adaptive-cards/offer.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import type { AdaptiveCard, CardContext, Channel } from '../adaptive-cards/card.ts';
import { t } from '../adaptive-cards/texts.ts';
import { formatDateTime } from '../adaptive-cards/format.ts';
import { publicView } from '../domain/confidentiality.ts';
import { interestGroups } from '../infra/centres.ts';
import { getRequest } from '../infra/requests.ts';
import { assignmentInfo, type OfferForSend } from '../infra/offers.ts';
import type { OutgoingActivity } from '../infra/connector.ts';
import type { Database } from '../infra/db.ts';
import type { HelpRequest, OfferStatus } from '../domain/types.ts';
import type { NotifyMessage } from './queues.ts';

export function channelOf(channelId: string): Channel {
  return channelId === 'msteams' ? 'teams' : 'webchat';
}

function asActivity(card: AdaptiveCard, summary: string): OutgoingActivity {
  return { type: 'message', summary, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
}

// Group labels change rarely; cache per process to keep a fan-out at one query per offer.
const labelCache = new Map<string, { at: number; labels: Map<string, { nb: string; en: string }> }>();
async function groupLabel(db: Database, request: HelpRequest, ctx: CardContext): Promise<string> {
  let entry = labelCache.get(request.centreId);
  if (!entry || Date.now() - entry.at > 60_000) {
    const groups = await interestGroups(db, [request.centreId]);
    entry = { at: Date.now(), labels: new Map(groups.map((g) => [g.key, { nb: g.nameNb, en: g.nameEn }])) };
    labelCache.set(request.centreId, entry);
  }
  return entry.labels.get(request.group)?.[ctx.locale] ?? request.group;
}

export async function renderOffer(db: Database, offer: OfferForSend, ctx: CardContext): Promise<OutgoingActivity> {
  const label = await groupLabel(db, offer.request, ctx);
  const card = offerCard(ctx, { offerId: offer.offerId, request: publicView(offer.request), groupLabel: label, status: 'pending' });
  return asActivity(card, t(ctx.locale, 'offer.summary', { what: label, when: formatDateTime(ctx.locale, offer.request.startsAt) }));
}

export async function renderClosedOffer(db: Database, offer: OfferForSend, ctx: CardContext): Promise<OutgoingActivity> {
  const status: Exclude<OfferStatus, 'pending'> =
    offer.status === 'pending' ? (offer.request.status === 'cancelled' ? 'withdrawn' : 'taken') : offer.status;
  const label = await groupLabel(db, offer.request, ctx);
  const card = offerCard(ctx, { offerId: offer.offerId, request: publicView(offer.request), groupLabel: label, status });
  return asActivity(card, t(ctx.locale, status === 'withdrawn' ? 'offer.withdrawn' : 'offer.taken'));
}

export async function renderNotification(db: Database, message: NotifyMessage, refId: string, ctx: CardContext): Promise<OutgoingActivity | null> {
  if (message === 'volunteer.approved') {
    const title = t(ctx.locale, 'notify.approvedTitle');
    return asActivity(noticeCard(ctx, { title, text: t(ctx.locale, 'notify.approved'), tone: 'success', menuButton: true }), title);
  }
  const requestId = message === 'staff.assignmentCancelled' ? (await assignmentInfo(db, refId))?.requestId : refId;
  const request = requestId ? await getRequest(db, requestId) : null;
  if (!request) return null;
  const what = await groupLabel(db, request, ctx);
  const when = formatDateTime(ctx.locale, request.startsAt);
  const firstName = async (memberId: string | null) => {
    if (!memberId) return '';
    const rows = await db.query<{ name: string | null }>('SELECT name FROM members WHERE id = $1', [memberId]);
    return (rows[0]?.name ?? '').split(/\s+/)[0] ?? '';
  };
  let title: string;
  let text: string;
  switch (message) {
    case 'staff.requestTaken': {
      const rows = await db.query<{ assigned_volunteer_id: string | null }>('SELECT assigned_volunteer_id FROM help_requests WHERE id = $1', [request.id]);
      title = t(ctx.locale, 'notify.takenTitle');
      text = t(ctx.locale, 'notify.taken', { name: await firstName(rows[0]?.assigned_volunteer_id ?? null), what, when });
      break;
    }
    case 'staff.assignmentCancelled': {
      const info = await assignmentInfo(db, refId);
      title = t(ctx.locale, 'notify.volunteerCancelledTitle');
      text = t(ctx.locale, 'notify.volunteerCancelled', { name: await firstName(info?.volunteerId ?? null), what, when, reason: info?.reason ?? '' });
      break;
    }
    case 'volunteer.requestCancelled':
      title = t(ctx.locale, 'notify.requestCancelledTitle');
      text = t(ctx.locale, 'notify.requestCancelled', { what, when });
      break;
  }
  return asActivity(noticeCard(ctx, { title, text, menuButton: true }), title);
}
