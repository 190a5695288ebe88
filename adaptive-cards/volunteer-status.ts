// "Min status": approved / waiting for approval / paused / declaration missing, and, plainly, why
// the volunteer gets no offers right now.
import type { Volunteer } from '../domain/types.ts';
import { POLICE_CERTIFICATE_APPLY_URL, type PoliceCertificateStatus } from '../domain/police-certificate.ts';
import { actionButton } from './action.ts';
import { channelChoiceElements, hasChannelChoice, type ChannelChoiceInput } from './channel-choice.ts';
import { pushSettingsElements } from './push-settings.ts';
import type { AdaptiveCard, CardActionJson, CardContext, CardElement } from './card.ts';
import { adaptiveCard, heading, stackedButtons, subheading, text } from './card.ts';
import { formatDate, formatDateWithYear } from './format.ts';
import { joinList } from './choices.ts';
import { t, type MessageKey } from './texts.ts';

/** Why a volunteer gets no offers; the domain's eligibility check should return these codes. */
export const NO_OFFER_REASONS = [
  'declaration_not_signed',
  'declaration_outdated',
  'not_approved',
  'paused',
  'removed',
  'no_groups',
  'no_availability',
  'weekly_cap_reached',
  'police_certificate_missing',
  'police_certificate_expired',
  'no_matching_requests',
] as const;
export type NoOfferReason = (typeof NO_OFFER_REASONS)[number];

/** The message key explaining a reason, for plain-text replies too: t(locale, noOfferReasonKey(r)). */
export function noOfferReasonKey(reason: NoOfferReason): MessageKey {
  return `reason.${reason}`;
}

export interface VolunteerStatusInput {
  volunteer: Pick<Volunteer, 'status' | 'pausedUntil' | 'signedDeclarationVersion' | 'policeCertificateCheckedAt' | 'weeklyCap'>;
  currentDeclarationVersion: number;
  /** Empty when the volunteer can receive offers. */
  reasons: readonly NoOfferReason[];
  /** Where offers go first and whether SMS is on (absent or null: nothing to choose). */
  channelChoice?: ChannelChoiceInput | null;
  /** Whether caregivers who asked for the task see the volunteer's phone (off unless they chose it). */
  sharePhone?: boolean;
  /** Centres (by name) they joined that have not approved them yet, while another one has. */
  pendingAt?: readonly string[];
  /** Devices that get push notifications, where the web chat offers them (absent otherwise). */
  pushDevices?: number;
  /** The politiattest as the centre counts it (validity); absent: only the check date is shown. */
  policeCertificate?: PoliceCertificateStatus;
}

export function volunteerStatusCard(ctx: CardContext, input: VolunteerStatusInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const v = input.volunteer;
  const paused = v.status === 'paused' || input.reasons.includes('paused');
  const signed = v.signedDeclarationVersion !== null && v.signedDeclarationVersion >= input.currentDeclarationVersion;
  const outdated = v.signedDeclarationVersion !== null && !signed;

  const body: CardElement[] = [heading(t(locale, 'status.title'))];
  const statusLine =
    v.status === 'pending'
      ? t(locale, 'status.pending')
      : v.status === 'removed'
        ? t(locale, 'status.removed')
        : t(locale, 'status.approved');
  body.push(text(statusLine, { weight: 'bolder' }));
  if (v.status !== 'pending' && input.pendingAt && input.pendingAt.length > 0) body.push(text(t(locale, 'status.pendingAt', { centres: joinList(locale, input.pendingAt) })));
  if (paused) {
    body.push(text(v.pausedUntil ? t(locale, 'status.paused', { date: formatDate(locale, v.pausedUntil) }) : t(locale, 'status.pausedNoDate')));
  }
  body.push(
    text(t(locale, signed ? 'status.declarationSigned' : outdated ? 'status.declarationOutdated' : 'status.declarationMissing'), {
      color: signed ? 'default' : 'attention',
    }),
    policeLine(ctx, v.policeCertificateCheckedAt, input.policeCertificate),
    text(t(locale, 'status.weekly', { count: v.weeklyCap }), { isSubtle: true }),
  );
  if (input.sharePhone !== undefined) body.push(text(t(locale, input.sharePhone ? 'status.sharePhoneOn' : 'status.sharePhoneOff'), { isSubtle: true }));

  if (input.reasons.length > 0) {
    body.push(
      subheading(t(locale, 'status.noOffersHeading')),
      ...input.reasons.map((r) => text(`• ${t(locale, noOfferReasonKey(r))}`, { spacing: 'small' })),
    );
  } else {
    body.push(text(t(locale, 'status.allGood'), { spacing: 'medium', color: 'good' }));
  }

  if (input.channelChoice && hasChannelChoice(input.channelChoice)) body.push(...channelChoiceElements(ctx, input.channelChoice));
  if (input.pushDevices !== undefined) body.push(...pushSettingsElements(ctx, input.pushDevices));

  const buttons: CardActionJson[] = [];
  if (!signed) buttons.push(actionButton(channel, t(locale, 'menu.signDeclaration'), { action: 'declaration.show' }, { style: 'positive' }));
  if (paused) buttons.push(actionButton(channel, t(locale, 'menu.resumeOffers'), { action: 'volunteer.resume' }));
  if (input.reasons.includes('no_groups') || input.reasons.includes('no_availability')) {
    buttons.push(actionButton(channel, t(locale, 'menu.editProfile'), { action: 'volunteer.signup.start' }));
  }
  if (input.sharePhone !== undefined) {
    buttons.push(actionButton(channel, t(locale, input.sharePhone ? 'status.sharePhoneTurnOff' : 'status.sharePhoneTurnOn'), { action: 'volunteer.sharePhone', on: !input.sharePhone }));
  }
  const police = input.policeCertificate?.state;
  if (police === 'expiring' || police === 'expired') buttons.push({ type: 'Action.OpenUrl', title: t(locale, 'police.apply'), url: POLICE_CERTIFICATE_APPLY_URL });
  buttons.push(actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' }));
  body.push(...stackedButtons(buttons));
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'status.title') });
}

function policeLine(ctx: CardContext, checkedAt: Date | null, status: PoliceCertificateStatus | undefined): CardElement {
  const { locale } = ctx;
  if (!checkedAt || !status || status.state === 'missing' || !status.expiresAt) {
    return text(checkedAt ? t(locale, 'status.policeChecked', { date: formatDateWithYear(locale, checkedAt) }) : t(locale, 'status.policeMissing'), { isSubtle: true });
  }
  // The last day it counts, as people say it ("gjelder til 9. mai 2029"), is the day before it stops.
  const until = formatDateWithYear(locale, new Date(status.expiresAt.getTime() - 1));
  if (status.state === 'expired') return text(t(locale, 'status.policeExpired', { until }), { color: 'attention' });
  if (status.state === 'expiring') return text(t(locale, 'status.policeExpiring', { until }), { color: 'warning' });
  return text(t(locale, 'status.policeValid', { date: formatDateWithYear(locale, checkedAt), until }), { isSubtle: true });
}
