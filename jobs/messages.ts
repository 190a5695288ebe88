// What the workers say: offer cards, their closed states, and notifications. Built from public
// request data only (domain/confidentiality decides what that is); staff notices may name the
// volunteer's first name, never the person helped.
import { offerCard } from '../adaptive-cards/offer.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { cancelVisitAction } from '../adaptive-cards/caregiver.ts';
import { type CardContext } from '../adaptive-cards/card.ts';
import { t } from '../adaptive-cards/texts.ts';
import { formatDateTime, formatDateWithYear, formatWhen } from '../adaptive-cards/format.ts';
import { policeCertificateOf } from '../infra/police-certificates.ts';
import { POLICE_CERTIFICATE_APPLY_URL, policeCertificateExpiry } from '../domain/police-certificate.ts';
import { publicView } from '../domain/confidentiality.ts';
import { listCentres } from '../infra/centres.ts';
import { isStaffChannelUnreachable } from '../infra/staff-channels.ts';
import { getRequest } from '../infra/requests.ts';
import { assignmentInfo, type OfferForSend } from '../infra/offers.ts';
import { getAssignment, getConcern, markConfirmAsked } from '../infra/assignments.ts';
import { consentInfo } from '../infra/persons.ts';
import { revealDetails } from '../infra/reveal.ts';
import { reminderCard } from '../adaptive-cards/reminder.ts';
import { followUpCard } from '../adaptive-cards/follow-up.ts';
import { CALL_LIST_MAX, escalationCard, escalationSummary, resolvedEscalationCard, resolvedEscalationTitle } from '../adaptive-cards/escalation.ts';
import { consentRenewalCard } from '../adaptive-cards/consent-renewal.ts';
import { declarationCard } from '../adaptive-cards/declaration.ts';
import { formatHours } from '../adaptive-cards/follow-up.ts';
import { weeklyDigest } from '../infra/digest.ts';
import { feedbackCard, linkVerifyCard } from '../adaptive-cards/feedback.ts';
import { claimFeedbackAsk, getFeedback } from '../infra/feedback.ts';
import { linkForStaff } from '../infra/caregiver-links.ts';
import { caregiverContact, volunteerForCaregiver } from '../infra/caregivers.ts';
import { cancelReasonText } from '../adaptive-cards/staff-requests.ts';
import { redactedInChannel } from '../domain/audiences.ts';
import { escalationOutcome } from '../domain/lifecycle.ts';
import type { MessageKey } from '../adaptive-cards/texts.ts';
import type { OutgoingActivity } from '../infra/connector.ts';
import type { Database } from '../infra/db.ts';
import type { HelpRequest, OfferStatus } from '../domain/types.ts';
import type { NotifyMessage } from './queues.ts';
import { renderSeriesNotice } from './series.ts';
import { channelsTriedForOffers } from '../infra/channels.ts';
import { channelChoiceLabel } from '../adaptive-cards/channel-choice.ts';
import { asActivity, groupLabel } from './card-activity.ts';

export async function renderOffer(db: Database, offer: OfferForSend, ctx: CardContext): Promise<OutgoingActivity> {
  const label = await groupLabel(db, offer.request, ctx.locale);
  const card = offerCard(ctx, { offerId: offer.offerId, request: publicView(offer.request), groupLabel: label, status: 'pending' });
  return asActivity(card, t(ctx.locale, 'offer.summary', { what: label, when: formatDateTime(ctx.locale, offer.request.startsAt) }));
}

/** `detailsFor`: Teams user ids whose client fetches the task details in place of this public card (the winner). */
export async function renderClosedOffer(db: Database, offer: OfferForSend, ctx: CardContext, detailsFor: readonly string[] = []): Promise<OutgoingActivity> {
  // The winner's chat keeps a card that says only that the task is taken: the details are theirs alone.
  const status: Exclude<OfferStatus, 'pending'> =
    offer.status === 'pending' || offer.status === 'accepted' ? (offer.request.status === 'cancelled' ? 'withdrawn' : 'taken') : offer.status;
  const label = await groupLabel(db, offer.request, ctx.locale);
  // Who tapped «Ta oppdraget» and lost is thanked for answering; who never tapped hears only that it is taken.
  const tooLate = status === 'taken' && offer.status === 'taken' && offer.responded;
  const card = offerCard(ctx, { offerId: offer.offerId, request: publicView(offer.request), groupLabel: label, status, detailsFor, tooLate });
  return asActivity(card, t(ctx.locale, status === 'withdrawn' ? 'offer.withdrawn' : tooLate ? 'offer.takenByOther' : 'offer.taken'));
}

/** `sharedChannel`: for a centre's staff channel, which a whole team reads (domain/audiences.ts, redactedInChannel). */
export async function renderNotification(db: Database, message: NotifyMessage, refId: string, ctx: CardContext, opts: { variant?: string; now: Date; memberId: string; channelId: string; sharedChannel?: boolean }): Promise<OutgoingActivity | null> {
  const notice = (titleKey: MessageKey, textKey: MessageKey, params: Record<string, string | number> = {}, tone?: 'success' | 'warning') => {
    const title = t(ctx.locale, titleKey);
    return asActivity(noticeCard(ctx, { title, text: t(ctx.locale, textKey, params), menuButton: true, ...(tone ? { tone } : {}) }), title);
  };
  const firstName = async (memberId: string | null) => {
    if (!memberId) return '';
    const rows = await db.query<{ name: string | null }>('SELECT name FROM members WHERE id = $1', [memberId]);
    return (rows[0]?.name ?? '').split(/\s+/)[0] ?? '';
  };
  // A flexible window («når som helst denne uka») is said as the window, not as its first hour.
  const describe = async (request: HelpRequest) => ({ what: await groupLabel(db, request, ctx.locale), when: formatWhen(ctx.locale, request.startsAt, request.flexibleUntil) });

  // In the shared channel these say only that it happened; the coordinators have the rest in their own chat.
  if (opts.sharedChannel && redactedInChannel(message)) {
    switch (message) {
      case 'staff.concern': {
        const c = await getConcern(db, refId);
        const request = c ? await getRequest(db, c.requestId) : null;
        return c && request ? notice('notify.concernTitle', 'channel.concern', { name: await firstName(c.reportedBy), ...(await describe(request)) }, 'warning') : null;
      }
      case 'staff.unreachable': {
        const request = await getRequest(db, refId);
        if (!request || request.status !== 'open') return null;
        const missed = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM offers WHERE request_id = $1 AND undeliverable', [refId]);
        const count = missed[0]?.n ?? 0;
        return count > 0 ? notice('notify.unreachableTitle', 'channel.unreachable', { count, ...(await describe(request)) }, 'warning') : null;
      }
      case 'staff.assignmentCancelled': {
        const a = await getAssignment(db, refId);
        return a ? notice('notify.volunteerCancelledTitle', 'channel.volunteerCancelled', { name: (await firstName(a.volunteerId)) || t(ctx.locale, 'caregiver.theVolunteer'), ...(await describe(a.request)) }, 'warning') : null;
      }
      case 'staff.consentRenewal': {
        const c = await consentInfo(db, refId);
        return c ? notice('consentRenewal.summaryShared', 'channel.consentRenewal', { date: formatDateWithYear(ctx.locale, c.validUntil) }, 'warning') : null;
      }
      default:
        return null;
    }
  }

  switch (message) {
    case 'caregiver.seriesTaken':
    case 'caregiver.seriesLeft':
    case 'staff.seriesTaken':
    case 'staff.seriesLeft':
    case 'volunteer.seriesCancelled':
    case 'volunteer.seriesMoved':
      return renderSeriesNotice(db, message, refId, ctx, opts.now);
    case 'volunteer.approved': {
      // ref: the centre that approved (approval is per centre); older notices name the member.
      const centre = (await listCentres(db)).find((c) => c.id === refId)?.name;
      return centre ? notice('notify.approvedTitle', 'notify.approvedAt', { centre }, 'success') : notice('notify.approvedTitle', 'notify.approved', {}, 'success');
    }
    case 'caregiver.taken':
    case 'caregiver.volunteerCancelled': {
      // The caregiver's own words: the volunteer's first name, their phone only if they chose to share it, never a reason.
      const a = await getAssignment(db, refId);
      if (!a) return null;
      const v = await volunteerForCaregiver(db, a.volunteerId);
      const params = { name: v.firstName || t(ctx.locale, 'caregiver.theVolunteer'), ...(await describe(a.request)) };
      if (message === 'caregiver.taken') {
        // Cancelled again before this went out: the cancel notice that follows says what stands.
        if (a.status !== 'active') return null;
        return v.phone ? notice('caregiver.takenTitle', 'caregiver.takenPhone', { ...params, phone: v.phone }, 'success') : notice('caregiver.takenTitle', 'caregiver.taken', params, 'success');
      }
      return notice('caregiver.volunteerCancelledTitle', a.request.status === 'open' ? 'caregiver.volunteerCancelled' : 'caregiver.volunteerCancelledLate', params, 'warning');
    }
    case 'caregiver.expired': {
      const request = await getRequest(db, refId);
      if (!request || request.status !== 'expired') return null;
      return notice('caregiver.expiredTitle', 'caregiver.expired', await describe(request), 'warning');
    }
    case 'volunteer.declarationUpdate': {
      const rows = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM declaration_signatures WHERE member_id = $1', [opts.memberId]);
      return asActivity(declarationCard(ctx, { signedVersion: rows[0]?.v ?? null }), t(ctx.locale, 'declaration.title'));
    }
    case 'staff.consentRenewal': {
      const c = await consentInfo(db, refId);
      if (!c) return null;
      const card = consentRenewalCard(ctx, { personId: c.personId, personLabel: c.personLabel, expiresAt: c.validUntil, expired: c.validUntil <= opts.now });
      return asActivity(card, t(ctx.locale, 'consentRenewal.summary', { person: c.personLabel }));
    }
    case 'staff.digest': {
      const d = await weeklyDigest(db, refId, opts.now);
      const title = t(ctx.locale, 'digest.title');
      const lines = [
        t(ctx.locale, 'digest.lastWeek', { posted: d.lastWeek.posted, filled: d.lastWeek.filled, done: d.lastWeek.done, hours: formatHours(ctx.locale, d.lastWeek.hours) }),
        t(ctx.locale, 'digest.unfilledSoon', { count: d.unfilledSoon }),
        t(ctx.locale, 'digest.consentsExpiring', { count: d.consentsExpiring }),
        t(ctx.locale, 'digest.inactive', { count: d.inactiveVolunteers }),
      ];
      return asActivity(noticeCard(ctx, { title, text: lines, menuButton: true }), title);
    }
    case 'staff.unreachable': {
      const request = await getRequest(db, refId);
      if (!request || request.status !== 'open') return null;
      // Names and phones: staff may ring them (the manual fallback); they are the centre's own volunteers.
      // Bounded like the call list: a widened request can miss hundreds, and a card must stay small.
      const missed = await db.query<{ id: string; name: string | null; phone: string | null; total: number }>(
        `SELECT o.id, m.name, m.phone, count(*) OVER ()::int AS total FROM offers o JOIN members m ON m.id = o.volunteer_id
          WHERE o.request_id = $1 AND o.undeliverable ORDER BY m.name LIMIT $2`,
        [refId, CALL_LIST_MAX],
      );
      if (missed.length === 0) return null;
      const total = missed[0]!.total;
      // With the channels tried for each: staff know it was not for want of trying.
      const tried = await channelsTriedForOffers(db, missed.map((m) => m.id));
      const more = total > missed.length ? t(ctx.locale, 'notify.unreachableMore', { count: total - missed.length }) : '';
      const list =
        missed
          .map((m) => {
            const channels = (tried.get(m.id) ?? []).map((c) => channelChoiceLabel(ctx, c));
            const who = { name: m.name ?? '', phone: m.phone ?? '' };
            return channels.length ? t(ctx.locale, 'notify.unreachableTried', { ...who, channels: channels.join(', ') }) : t(ctx.locale, 'notify.unreachableNoChannel', who);
          })
          .join('; ') + more;
      return notice('notify.unreachableTitle', 'notify.unreachable', { count: total, list, ...(await describe(request)) }, 'warning');
    }
    case 'staff.concern': {
      const c = await getConcern(db, refId);
      const request = c ? await getRequest(db, c.requestId) : null;
      if (!c || !request || c.text === null) return null;
      return notice('notify.concernTitle', 'notify.concern', { name: await firstName(c.reportedBy), concern: c.text, ...(await describe(request)) }, 'warning');
    }
    case 'caregiver.reminder': {
      const a = await getAssignment(db, refId);
      if (!a || a.status !== 'active') return null;
      const title = t(ctx.locale, 'caregiver.reminderTitle');
      const name = await firstName(a.volunteerId);
      const card = noticeCard(ctx, {
        title,
        text: t(ctx.locale, 'caregiver.reminder', { name, ...(await describe(a.request)) }),
        menuButton: true,
        actions: [
          { title: t(ctx.locale, 'caregiver.confirmVisit'), data: { action: 'caregiver.visit.confirm', assignmentId: a.id } },
          // Asks first, as on their request list: the active assignment means a volunteer will be told.
          cancelVisitAction(ctx, { requestId: a.request.id, startsAt: a.request.startsAt, flexibleUntil: a.request.flexibleUntil, volunteerFirstName: name || t(ctx.locale, 'caregiver.theVolunteer') }),
        ],
      });
      return asActivity(card, title);
    }
    case 'caregiver.feedback': {
      const a = await claimFeedbackAsk(db, refId, opts.variant === 'late' ? 'late' : 'done', opts.now);
      if (!a) return null;
      const card = feedbackCard(ctx, { assignmentId: a.id, volunteerFirstName: await firstName(a.volunteerId), ...(await describe(a.request)) });
      return asActivity(card, t(ctx.locale, 'feedback.title'));
    }
    case 'staff.feedback': {
      const f = await getFeedback(db, refId);
      if (!f) return null;
      const who = f.caregiverId ? await caregiverContact(db, f.caregiverId) : null;
      const params = { caregiver: who?.name ?? '', phone: who?.phone ?? '', volunteer: await firstName(f.volunteerId), ...(await describe(f.assignment.request)) };
      const lines = [t(ctx.locale, f.rating === 'good' ? 'feedback.staffGood' : 'feedback.staffNotGood', params)];
      if (f.comment) lines.push(t(ctx.locale, 'feedback.staffComment', { comment: f.comment }));
      lines.push(t(ctx.locale, 'feedback.staffOnly'));
      const title = t(ctx.locale, who?.role === 'person' ? 'feedback.staffTitleSelf' : 'feedback.staffTitle');
      return asActivity(noticeCard(ctx, { title, text: lines, tone: f.rating === 'good' ? 'info' : 'warning', menuButton: true }), title);
    }
    case 'staff.channelUnreachable': {
      // Linked again (or unlinked) before this went out: nothing left to tell.
      if (!(await isStaffChannelUnreachable(db, refId))) return null;
      const centre = (await listCentres(db)).find((c) => c.id === refId)?.name ?? refId;
      return notice('staffChannel.unreachableTitle', 'staffChannel.unreachable', { centre }, 'warning');
    }
    case 'staff.linkVerify': {
      const link = await linkForStaff(db, refId);
      if (!link || link.status !== 'pending') return null;
      const card = linkVerifyCard(ctx, { personId: link.personId, caregiverName: link.caregiverName, caregiverPhone: link.caregiverPhone, personName: link.personName, district: link.district, relation: link.relation, selfRegistered: link.selfRegistered });
      return asActivity(card, t(ctx.locale, link.selfRegistered ? 'self.staffTitle' : 'link.staffTitle'));
    }
    case 'caregiver.linkDecided': {
      const link = await linkForStaff(db, refId);
      if (!link || (link.status !== 'confirmed' && link.status !== 'rejected')) return null;
      // The person who signed up themselves hears it about themselves.
      if (link.selfRegistered) {
        return link.status === 'confirmed' ? notice('self.linkConfirmedTitle', 'self.linkConfirmed', {}, 'success') : notice('self.linkRejectedTitle', 'self.linkRejected', {}, 'warning');
      }
      const person = link.personName.split(/\s+/)[0] ?? '';
      return link.status === 'confirmed'
        ? notice('caregiver.linkConfirmedTitle', 'caregiver.linkConfirmed', { person }, 'success')
        : notice('caregiver.linkRejectedTitle', 'caregiver.linkRejected', { person }, 'warning');
    }
    case 'volunteer.policeExpiring':
    case 'staff.policeExpiring': {
      const v = await policeCertificateOf(db, refId);
      // Renewed (a new check date) or gone since: nothing to tell.
      if (!v || !v.checkedOn || v.checkedOn !== opts.variant) return null;
      const expiresAt = policeCertificateExpiry(v.checkedOn, v.months);
      const date = formatDateWithYear(ctx.locale, new Date(expiresAt.getTime() - 1));
      const volunteer = message === 'volunteer.policeExpiring';
      const title = t(ctx.locale, volunteer ? 'police.expiringTitle' : 'police.expiringStaffTitle');
      const text = volunteer ? t(ctx.locale, 'police.expiringVolunteer', { date }) : t(ctx.locale, 'police.expiringStaff', { date, name: v.name });
      return asActivity(noticeCard(ctx, { title, text, tone: 'warning', menuButton: true, link: { title: t(ctx.locale, 'police.apply'), url: POLICE_CERTIFICATE_APPLY_URL } }), title);
    }
    case 'volunteer.reminder':
    case 'volunteer.followUp':
    case 'staff.notConfirmed':
    case 'staff.assignmentCancelled':
    case 'staff.requestTaken': {
      const a = await getAssignment(db, refId);
      if (!a) return null;
      const label = await groupLabel(db, a.request, ctx.locale);
      if (message === 'volunteer.reminder') {
        if (a.status !== 'active') return null;
        // The reminder shows the person's details again: only to whom the rule lets see them now.
        // That is a reveal and is recorded (infra/reveal.ts).
        const details = await revealDetails(db, {
          volunteerId: a.volunteerId, channelId: opts.channelId, at: opts.now,
          subject: { centreId: a.request.centreId, assignedVolunteerId: a.volunteerId, createdBy: a.request.createdBy },
          requests: [{ id: a.request.id, personId: a.request.personId }],
        });
        if (!details) return null;
        // «<offset>» or «<offset>-confirm»: the reminder that asks «Jeg kommer» (jobs/schedule.ts decides which).
        const [offsetText = '0', ask] = (opts.variant ?? '0').split('-');
        const offset = Number(offsetText);
        const askConfirmation = ask === 'confirm';
        if (askConfirmation) await markConfirmAsked(db, a.id, opts.now);
        const card = reminderCard(ctx, {
          assignmentId: a.id, request: publicView(a.request), details, groupLabel: label, hoursBefore: offset / 60,
          askConfirmation, confirmed: a.confirmedAt !== null,
        });
        return asActivity(card, t(ctx.locale, 'reminder.summary', { what: label, when: formatDateTime(ctx.locale, a.request.startsAt) }));
      }
      if (message === 'volunteer.followUp') {
        if (a.status !== 'active') return null;
        const card = followUpCard(ctx, { assignmentId: a.id, request: publicView(a.request), groupLabel: label, plannedHours: a.request.durationMinutes / 60 });
        return asActivity(card, t(ctx.locale, 'followUp.summary', { what: label }));
      }
      const d = await describe(a.request);
      if (message === 'staff.requestTaken') return notice('notify.takenTitle', 'notify.taken', { name: await firstName(a.volunteerId), ...d }, 'success');
      if (message === 'staff.notConfirmed') return notice('notify.notConfirmedTitle', 'notify.notConfirmed', { name: await firstName(a.volunteerId), ...d }, 'warning');
      const info = await assignmentInfo(db, refId);
      // Staff read what the volunteer typed; a reason the bot recorded (left, removed) in words.
      const reason = info?.reason ? cancelReasonText(ctx.locale, info.reason) : '';
      return notice('notify.volunteerCancelledTitle', 'notify.volunteerCancelled', { name: (await firstName(a.volunteerId)) || t(ctx.locale, 'caregiver.theVolunteer'), reason, ...d }, 'warning');
    }
    case 'staff.expired':
    case 'staff.escalation':
    case 'volunteer.requestCancelled': {
      const request = await getRequest(db, refId);
      if (!request) return null;
      if (message === 'staff.escalation') {
        if (request.status !== 'open') return null;
        // An open request with a cancelled assignment had a volunteer who dropped out (a cancelled request is not open).
        const [asked] = await db.query<{ offered: number; cancelled: boolean }>(
          `SELECT (SELECT count(*)::int FROM offers WHERE request_id = $1) AS offered, EXISTS (SELECT 1 FROM assignments WHERE request_id = $1 AND status = 'cancelled') AS cancelled`,
          [request.id],
        );
        const input = {
          requestId: request.id, request: publicView(request), groupLabel: await groupLabel(db, request, ctx.locale), offeredCount: asked?.offered ?? 0,
          hoursUntilStart: (request.startsAt.getTime() - opts.now.getTime()) / 3_600_000, canRelax: canRelax(request), droppedOut: asked?.cancelled ?? false,
        };
        return asActivity(escalationCard(ctx, input), escalationSummary(ctx.locale, input));
      }
      const d = await describe(request);
      // Wave 0: it never went out (held for consent or a caregiver link, or nobody fitted).
      if (message === 'staff.expired') return notice('notify.expiredTitle', request.wave === 0 ? 'notify.expiredUnsent' : 'notify.expired', d, 'warning');
      return notice('notify.requestCancelledTitle', 'notify.requestCancelled', d);
    }
  }
}

/**
 * An escalation card drawn again once nobody need act on it (domain/lifecycle.ts escalationOutcome):
 * null while it still asks truly. `shared`: the staff channel, which names no one («en frivillig»).
 */
export async function renderResolvedEscalation(
  db: Database, request: HelpRequest, ctx: CardContext, opts: { shared: boolean; superseded: boolean },
): Promise<OutgoingActivity | null> {
  const { shared } = opts;
  const outcome = escalationOutcome(request.status, opts.superseded);
  if (!outcome) return null;
  let takenByFirstName: string | null = null;
  if (outcome === 'taken' && !shared) {
    const rows = await db.query<{ name: string | null }>(
      `SELECT m.name FROM assignments a JOIN members m ON m.id = a.volunteer_id WHERE a.request_id = $1 ORDER BY (a.status = 'active') DESC, a.assigned_at DESC LIMIT 1`,
      [request.id],
    );
    takenByFirstName = (rows[0]?.name ?? '').split(/\s+/)[0] || null;
  }
  const card = resolvedEscalationCard(ctx, { request: publicView(request), groupLabel: await groupLabel(db, request, ctx.locale), outcome, takenByFirstName });
  return asActivity(card, resolvedEscalationTitle(ctx.locale, { outcome, takenByFirstName }));
}

/** A request has a requirement staff could drop to reach more volunteers. */
export function canRelax(request: HelpRequest): boolean {
  return request.requirements.language !== null;
}
