// Privacy cards: for staff, the centre's people with «Innsyn» and «Slett», the readable innsyn
// summary (the full JSON travels beside it as a file) and the erase confirmation; for everyone who
// chats with Dugnad, the summary of their own data («Mine data»). Plain data in.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, container, facts, heading, stackedButtons, subheading, text } from './card.ts';
import { formatDateWithYear, formatTime } from './format.ts';
import { requestStatusText } from './staff-requests.ts';
import { t, type MessageKey } from './texts.ts';
import type { ConsentBasis, Locale, RequestStatus, Role } from '../domain/types.ts';

/** How many people the list shows; the rest are reached through a request form or by name later. */
export const PRIVACY_LIST_LIMIT = 30;
const REQUESTS_SHOWN = 20;
const LOG_SHOWN = 30;

export interface PrivacyListInput {
  persons: ReadonlyArray<{ id: string; name: string | null; district: string }>;
  total: number;
}

export function privacyPersonsCard(ctx: CardContext, input: PrivacyListInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const body: CardElement[] = [heading(t(locale, 'privacy.title')), text(t(locale, 'privacy.intro'))];
  if (input.persons.length === 0) body.push(text(t(locale, 'privacy.none'), { spacing: 'medium' }));
  for (const p of input.persons) {
    body.push(
      container(
        [
          text(`${p.name ?? t(locale, 'privacy.erasedName')}, ${p.district}`, { weight: 'bolder' }),
          actionSet([
            actionButton(channel, t(locale, 'privacy.export'), { action: 'staff.person.export', personId: p.id }),
            actionButton(channel, t(locale, 'privacy.erase'), { action: 'staff.person.erase', personId: p.id }, { style: 'destructive' }),
          ]),
        ],
        { separator: true, spacing: 'medium' },
      ),
    );
  }
  if (input.total > input.persons.length) body.push(text(t(locale, 'common.showing', { shown: input.persons.length, total: input.total }), { isSubtle: true }));
  body.push(
    actionSet([actionButton(channel, t(locale, 'ownData.button'), { action: 'privacy.mine' })], { spacing: 'medium' }),
    actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'small' }),
  );
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'privacy.title') });
}

/** Who did something, as the export names them (see infra/privacy.ts ActorRef). */
interface Actor {
  id: string | null;
  role: Role | null;
  name: string | null;
}

/** The part of an innsyn export the readable summary shows (structurally infra's PersonExport). */
export interface ExportView {
  person: { id: string; name: string | null; address: string | null; phone: string | null; district: string; notes: string | null; createdAt: string; createdBy: Actor | null; erasedAt: string | null };
  consents: ReadonlyArray<{ basis: ConsentBasis; relation: string | null; givenAt: string; validUntil: string; withdrawnAt: string | null }>;
  requests: ReadonlyArray<{
    status: RequestStatus;
    group: string;
    startsAt: string;
    offeredTo: number;
    assignments: ReadonlyArray<{ volunteer: Actor; status: string }>;
    concerns: ReadonlyArray<unknown>;
  }>;
  accessLog: ReadonlyArray<{ at: string; action: string; actor: Actor; fields: readonly string[] }>;
}

export interface ExportCardInput {
  export: ExportView;
  groupLabel(key: string): string;
  /** The JSON file rides along (Web Chat), or cannot (Teams: no inline files from bots). */
  fileName: string | null;
}

const when = (locale: Locale, iso: string) => {
  const d = new Date(iso);
  return t(locale, 'format.dateAtTime', { date: formatDateWithYear(locale, d), time: formatTime(d) });
};

function actorLabel(locale: Locale, a: Actor): string {
  if (a.id === null) return t(locale, 'privacy.system');
  const name = a.name ?? t(locale, 'privacy.formerMember');
  return a.role ? `${name} (${t(locale, `privacy.role.${a.role}`)})` : name;
}

const AUDIT_KEYS: Record<string, MessageKey> = {
  'person.create': 'privacy.audit.personCreate',
  'consent.record': 'privacy.audit.consentRecord',
  'request.create': 'privacy.audit.requestCreate',
  'person.erase': 'privacy.audit.personErase',
  'link.confirm': 'privacy.audit.linkConfirm',
  'link.reject': 'privacy.audit.linkReject',
};

function auditLabel(locale: Locale, action: string, fields: readonly string[]): string {
  if (action === 'reveal') return t(locale, fields.includes('export') ? 'privacy.audit.export' : 'privacy.audit.reveal');
  const key = AUDIT_KEYS[action];
  return key ? t(locale, key) : action;
}

export function personExportCard(ctx: CardContext, input: ExportCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const { person, consents, requests, accessLog } = input.export;
  const none = t(locale, 'privacy.empty');
  const body: CardElement[] = [
    heading(t(locale, 'privacy.exportTitle', { name: person.name ?? t(locale, 'privacy.erasedName') })),
    text(t(locale, 'privacy.exportIntro')),
    facts([
      { title: t(locale, 'person.name'), value: person.name ?? none },
      { title: t(locale, 'person.address'), value: person.address ?? none },
      { title: t(locale, 'person.phone'), value: person.phone ?? none },
      { title: t(locale, 'person.district'), value: person.district },
      { title: t(locale, 'person.notes'), value: person.notes ?? none },
      {
        title: t(locale, 'privacy.registered'),
        value: person.createdBy ? t(locale, 'privacy.registeredBy', { when: when(locale, person.createdAt), who: actorLabel(locale, person.createdBy) }) : when(locale, person.createdAt),
      },
      person.erasedAt ? { title: t(locale, 'privacy.erasedAt'), value: when(locale, person.erasedAt) } : null,
    ]),
  ];

  body.push(subheading(t(locale, 'privacy.consents')));
  if (consents.length === 0) body.push(text(none));
  for (const c of consents) {
    const basis = t(locale, `consent.${c.basis}`) + (c.relation ? ` (${c.relation})` : '');
    const line = t(locale, 'privacy.consentLine', { basis, given: formatDateWithYear(locale, new Date(c.givenAt)), until: formatDateWithYear(locale, new Date(c.validUntil)) });
    body.push(text(c.withdrawnAt ? `${line} ${t(locale, 'privacy.consentWithdrawn', { date: formatDateWithYear(locale, new Date(c.withdrawnAt)) })}` : line, { spacing: 'small' }));
  }

  body.push(subheading(t(locale, 'privacy.requests', { count: requests.length })));
  if (requests.length === 0) body.push(text(none));
  const latest = [...requests].sort((a, b) => b.startsAt.localeCompare(a.startsAt)).slice(0, REQUESTS_SHOWN);
  for (const r of latest) {
    const volunteers = r.assignments.map((a) => actorLabel(locale, a.volunteer));
    const lines = [
      t(locale, 'privacy.requestLine', { when: when(locale, r.startsAt), what: input.groupLabel(r.group), status: requestStatusText(locale, { status: r.status, offeredCount: r.offeredTo, takenByFirstName: null }) }),
      volunteers.length ? t(locale, 'privacy.requestVolunteers', { names: volunteers.join(t(locale, 'common.listSeparator')) }) : null,
      r.concerns.length ? t(locale, 'privacy.requestConcerns', { count: r.concerns.length }) : null,
    ].filter((l): l is string => l !== null);
    body.push(text(lines.join('\n\n'), { spacing: 'small' }));
  }
  if (requests.length > latest.length) body.push(text(t(locale, 'common.showing', { shown: latest.length, total: requests.length }), { isSubtle: true }));

  body.push(subheading(t(locale, 'privacy.seenBy')));
  const log = [...accessLog].reverse().slice(0, LOG_SHOWN);
  for (const e of log) {
    body.push(text(t(locale, 'privacy.logLine', { when: when(locale, e.at), who: actorLabel(locale, e.actor), what: auditLabel(locale, e.action, e.fields) }), { spacing: 'small' }));
  }
  if (accessLog.length > log.length) body.push(text(t(locale, 'common.showing', { shown: log.length, total: accessLog.length }), { isSubtle: true }));

  body.push(
    text(input.fileName ? t(locale, 'privacy.fileAttached', { file: input.fileName }) : t(locale, 'privacy.fileNotInTeams'), { spacing: 'medium', weight: 'bolder' }),
    text(t(locale, 'privacy.chatHistory'), { isSubtle: true }),
    actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'medium' }),
  );
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'privacy.exportTitle', { name: person.name ?? t(locale, 'privacy.erasedName') }) });
}

export function eraseConfirmCard(ctx: CardContext, input: { personId: string; name: string | null; district: string }): AdaptiveCard {
  const { locale, channel } = ctx;
  const name = input.name ?? t(locale, 'privacy.erasedName');
  return adaptiveCard(
    ctx,
    [
      container([heading(t(locale, 'privacy.eraseTitle', { name: `${name}, ${input.district}` }), { size: 'medium' }), text(t(locale, 'privacy.eraseText'))], { style: 'attention' }),
      text(t(locale, 'privacy.eraseKeeps'), { isSubtle: true }),
      ...stackedButtons([
        actionButton(channel, t(locale, 'privacy.eraseConfirm'), { action: 'staff.person.erase.confirm', personId: input.personId }, { style: 'destructive' }),
        actionButton(channel, t(locale, 'common.cancel'), { action: 'menu.show' }),
      ]),
    ],
    { fallbackText: t(locale, 'privacy.eraseTitle', { name }) },
  );
}

/** The part of one's own data the readable summary shows (structurally infra's OwnDataExport). */
export interface OwnDataView {
  you: { role: Role; name: string | null; phone: string | null; email: string | null; centres: ReadonlyArray<{ name: string }>; createdAt: string };
  chatAccounts: ReadonlyArray<{ channel: string; lastSeenAt: string | null }>;
  volunteer: null | {
    status: string;
    district: string;
    groups: readonly string[];
    weeklyCap: number;
    policeCertificateCheckedOn: string | null;
    sharePhoneWithCaregivers: boolean;
    declarationsSigned: ReadonlyArray<{ version: number; signedAt: string }>;
  };
  offers: readonly unknown[];
  tasks: ReadonlyArray<{ outcome: string | null; hours: number | null }>;
  concernsReported: readonly unknown[];
  requestsAsked: readonly unknown[];
  personsRegistered: number;
  feedbackGiven: readonly unknown[];
  yourActions: ReadonlyArray<{ action: string }>;
  personHelped?: null | {
    address: string | null;
    district: string;
    consents: ReadonlyArray<{ givenAt: string; validUntil: string; withdrawnAt: string | null }>;
  };
}

export interface OwnDataCardInput {
  data: OwnDataView;
  groupLabel(key: string): string;
  /** Where the complete file is: attached beside the card (Web Chat), a short-lived link (Teams), or neither. */
  file: { kind: 'attached'; name: string } | { kind: 'link'; url: string; minutes: number } | null;
}

/** «Mine data»: what Dugnad holds about the person reading it, in plain words; the JSON has all of it. */
export function ownDataCard(ctx: CardContext, input: OwnDataCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const { you, volunteer } = input.data;
  const none = t(locale, 'privacy.empty');
  const day = (iso: string) => formatDateWithYear(locale, new Date(iso));
  const body: CardElement[] = [
    heading(t(locale, 'ownData.title')),
    text(t(locale, 'ownData.intro')),
    facts([
      { title: t(locale, 'ownData.name'), value: you.name ?? none },
      { title: t(locale, 'ownData.phone'), value: you.phone ?? none },
      { title: t(locale, 'ownData.email'), value: you.email ?? none },
      { title: t(locale, 'ownData.role'), value: t(locale, `privacy.role.${you.role}`) },
      { title: t(locale, 'ownData.centres'), value: you.centres.map((c) => c.name).join(t(locale, 'common.listSeparator')) || none },
      { title: t(locale, 'ownData.since'), value: day(you.createdAt) },
      {
        title: t(locale, 'ownData.chat'),
        value: input.data.chatAccounts.map((a) => (a.channel === 'msteams' ? 'Teams' : t(locale, 'ownData.webChat'))).join(t(locale, 'common.listSeparator')) || none,
      },
    ]),
  ];
  if (volunteer) {
    const signed = volunteer.declarationsSigned.at(-1);
    body.push(
      subheading(t(locale, 'ownData.volunteer')),
      facts([
        { title: t(locale, 'ownData.status'), value: t(locale, `ownData.status.${volunteer.status === 'approved' || volunteer.status === 'paused' || volunteer.status === 'removed' ? volunteer.status : 'pending'}`) },
        { title: t(locale, 'ownData.district'), value: volunteer.district },
        { title: t(locale, 'ownData.groups'), value: volunteer.groups.map((g) => input.groupLabel(g)).join(t(locale, 'common.listSeparator')) || none },
        { title: t(locale, 'ownData.weeklyCap'), value: String(volunteer.weeklyCap) },
        { title: t(locale, 'ownData.police'), value: volunteer.policeCertificateCheckedOn ? day(volunteer.policeCertificateCheckedOn) : none },
        { title: t(locale, 'ownData.declaration'), value: signed ? t(locale, 'ownData.declarationSigned', { version: signed.version, date: day(signed.signedAt) }) : none },
        { title: t(locale, 'ownData.sharePhone'), value: t(locale, volunteer.sharePhoneWithCaregivers ? 'common.yes' : 'common.no') },
      ]),
    );
  }
  const helped = input.data.personHelped;
  if (helped) {
    const consent = helped.consents.at(-1);
    body.push(
      subheading(t(locale, 'ownData.personHelped')),
      facts([
        { title: t(locale, 'ownData.address'), value: helped.address ?? none },
        { title: t(locale, 'ownData.district'), value: helped.district },
        {
          title: t(locale, 'ownData.consent'),
          value: !consent ? none
            : consent.withdrawnAt ? t(locale, 'ownData.consentWithdrawn', { date: day(consent.withdrawnAt) })
              : t(locale, 'ownData.consentUntil', { given: day(consent.givenAt), until: day(consent.validUntil) }),
        },
      ]),
    );
  }
  const done = input.data.tasks.filter((a) => a.outcome === 'done');
  const hours = done.reduce((sum, a) => sum + (a.hours ?? 0), 0);
  const counts: Array<[string, number]> = [
    [t(locale, 'ownData.offers'), input.data.offers.length],
    [t(locale, 'ownData.tasks', { done: done.length, hours: String(Math.round(hours * 100) / 100).replace('.', locale === 'en' ? '.' : ',') }), input.data.tasks.length],
    [t(locale, 'ownData.concerns'), input.data.concernsReported.length],
    [t(locale, 'ownData.requests'), input.data.requestsAsked.length],
    [t(locale, 'ownData.persons'), input.data.personsRegistered],
    [t(locale, 'ownData.feedback'), input.data.feedbackGiven.length],
    [t(locale, 'ownData.reveals'), input.data.yourActions.filter((a) => a.action === 'reveal').length],
  ];
  body.push(
    subheading(t(locale, 'ownData.activity')),
    facts(counts.filter(([, n]) => n > 0).map(([title, n]) => ({ title, value: String(n) }))),
  );
  if (counts.every(([, n]) => n === 0)) body.push(text(t(locale, 'ownData.noActivity'), { spacing: 'small' }));
  const file = input.file;
  body.push(
    text(
      file?.kind === 'attached' ? t(locale, 'ownData.fileAttached', { file: file.name })
        : file?.kind === 'link' ? t(locale, 'ownData.fileLink', { minutes: file.minutes })
          : t(locale, 'ownData.fileMissing'),
      { spacing: 'medium', weight: 'bolder' },
    ),
  );
  if (file?.kind === 'link') body.push(actionSet([{ type: 'Action.OpenUrl', title: t(locale, 'ownData.download'), url: file.url }], { spacing: 'small' }));
  body.push(
    text(t(locale, you.role === 'volunteer' ? 'ownData.eraseVolunteer' : 'ownData.eraseOther'), { isSubtle: true, spacing: 'medium' }),
    text(t(locale, 'privacy.chatHistory'), { isSubtle: true }),
    actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'medium' }),
  );
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'ownData.title') });
}
