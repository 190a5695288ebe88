// Staff view of volunteers: those waiting for approval first, each with Godkjenn / Sett på pause /
// Fjern and "Registrer politiattest", which opens that volunteer's own date field (so a date is never
// saved for the wrong person). A page at a time: «Vis flere» shows the next.
import type { Locale, VolunteerStatus } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardActionJson, CardContext, CardElement, Fact } from './card.ts';
import { actionSet, adaptiveCard, container, facts, heading, showCard, subheading, text } from './card.ts';
import { joinList } from './choices.ts';
import { formatDateWithYear } from './format.ts';
import { formKit } from './form.ts';
import { t } from './texts.ts';
import { page } from './paging.ts';
import { policeDateInputId } from './actions.ts';
import type { PoliceCertificateStatus } from '../domain/police-certificate.ts';
import { channelChoiceLabel } from './channel-choice.ts';
import type { ChannelKind } from '../domain/channels.ts';

export interface VolunteerAdminItem {
  volunteerId: string;
  name: string;
  district: string;
  status: VolunteerStatus;
  declarationSigned: boolean;
  policeCertificateCheckedAt: Date | null;
  /** Whether the check still counts at the centre; absent: only the date is shown. */
  policeCertificate?: PoliceCertificateStatus;
  /** Interest group labels in the card's language, if known. */
  groupLabels?: readonly string[];
  /** The channels they can be reached on now (Teams, web chat, SMS), and their SMS; absent: not shown. */
  channels?: { kinds: readonly ChannelKind[]; sms: 'on' | 'off' | 'stopped' | 'noPhone' | null };
}

export interface VolunteerAdminInput {
  volunteers: readonly VolunteerAdminItem[];
  /** Today in Europe/Oslo (YYYY-MM-DD): default and latest date for the police certificate check. */
  today: string;
  /** At most this many are shown (card size limits); default 20. */
  limit?: number;
  /** Where this page starts in the whole (sorted) list; default 0. */
  offset?: number;
}

const ORDER: Record<VolunteerStatus, number> = { pending: 0, approved: 1, paused: 2, removed: 3 };

export function volunteerStatusLabel(locale: Locale, status: VolunteerStatus): string {
  return t(locale, `volunteerStatus.${status}`);
}

export function volunteerAdminCard(ctx: CardContext, input: VolunteerAdminInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const offset = input.offset ?? 0;
  // Pending first; otherwise keep the caller's order (stable sort).
  const sorted = [...input.volunteers].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const { shown, footer } = page(ctx, sorted, { offset, limit: input.limit ?? 20, more: (next) => ({ action: 'staff.volunteers.more', offset: next }) });
  const body: CardElement[] = [heading(t(locale, 'admin.title'))];
  if (sorted.length === 0) body.push(text(t(locale, 'admin.empty')));
  const f = formKit<string>(locale);

  shown.forEach((v) => {
    const list: Fact[] = [
      { title: t(locale, 'admin.status'), value: volunteerStatusLabel(locale, v.status) },
      { title: t(locale, 'admin.district'), value: v.district },
      { title: t(locale, 'admin.declaration'), value: t(locale, v.declarationSigned ? 'admin.declarationSigned' : 'admin.declarationMissing') },
      {
        title: t(locale, 'admin.police'),
        value: policeValue(locale, v),
      },
    ];
    if (v.groupLabels && v.groupLabels.length > 0) list.push({ title: t(locale, 'admin.groups'), value: joinList(locale, v.groupLabels) });
    if (v.channels) {
      const kinds = v.channels.kinds.map((k) => channelChoiceLabel(ctx, k));
      list.push({ title: t(locale, 'admin.channels'), value: kinds.length ? joinList(locale, kinds) : t(locale, 'admin.channelsNone') });
    }

    // The page is carried along, so the list is drawn again at the same place after the tap.
    const ids = offset > 0 ? { volunteerId: v.volunteerId, offset } : { volunteerId: v.volunteerId };
    const buttons: CardActionJson[] = [];
    if (v.status !== 'approved') buttons.push(actionButton(channel, t(locale, 'admin.approve'), { action: 'staff.volunteer.approve', ...ids }, { style: 'positive' }));
    if (v.status === 'approved') buttons.push(actionButton(channel, t(locale, 'admin.pause'), { action: 'staff.volunteer.pause', ...ids }));
    // For someone who phones in: SMS on (and first) or off.
    const sms = v.channels?.sms;
    if (v.status !== 'removed' && sms === 'off') buttons.push(actionButton(channel, t(locale, 'admin.useSms'), { action: 'staff.volunteer.sms', ...ids, on: true }));
    if (sms === 'on' || sms === 'stopped') buttons.push(actionButton(channel, t(locale, 'admin.stopSms'), { action: 'staff.volunteer.sms', ...ids, on: false }));
    if (v.status !== 'removed') {
      buttons.push(
        showCard(
          t(locale, 'admin.policeButton'),
          f.date(policeDateInputId(v.volunteerId), t(locale, 'admin.policeDate'), { required: true, defaultValue: input.today, max: input.today }),
          [actionButton(channel, t(locale, 'admin.policeSave'), { action: 'staff.volunteer.police', ...ids }, { style: 'positive' })],
        ),
        showCard(
          t(locale, 'admin.remove'),
          [text(t(locale, 'admin.removeConfirmText', { name: v.name }))],
          [actionButton(channel, t(locale, 'admin.removeConfirm'), { action: 'staff.volunteer.remove', ...ids }, { style: 'destructive' })],
        ),
      );
    }
    body.push(container([subheading(v.name, { spacing: 'none' }), facts(list, { spacing: 'small' }), actionSet(buttons)], { separator: true, spacing: 'medium' }));
  });

  body.push(...footer);
  return adaptiveCard(ctx, body, {
    fallbackText: t(locale, 'admin.title'),
    fullWidth: true,
    actions: [actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })],
  });
}

function policeValue(locale: Locale, v: { policeCertificateCheckedAt: Date | null; policeCertificate?: PoliceCertificateStatus }): string {
  if (!v.policeCertificateCheckedAt) return t(locale, 'admin.policeMissing');
  const s = v.policeCertificate;
  // The last day it counts: the day before it stops.
  const until = s?.expiresAt ? formatDateWithYear(locale, new Date(s.expiresAt.getTime() - 1)) : '';
  if (s?.state === 'expired') return t(locale, 'admin.policeExpired', { date: until });
  if (s?.state === 'expiring') return t(locale, 'admin.policeExpiring', { date: until });
  return t(locale, 'admin.policeChecked', { date: formatDateWithYear(locale, v.policeCertificateCheckedAt) });
}
