// The coordinator's part of the Teams tab: import volunteers or people helped from a spreadsheet
// (a dry run first, then the import), and the invitations that connect imported volunteers to Dugnad.
//
//   GET  /api/tab/import/template?kind=volunteers|persons   the template (CSV, ; separated, UTF-8 with BOM)
//   POST /api/tab/import?kind=…&apply=true|false&skipInvalid=true|false
//        body: the file's bytes as application/octet-stream (any encoding: infra/import-file.ts reads it)
//   GET  /api/tab/invitations                                 the imported volunteers and their invitations
//   POST /api/tab/invitations  {"memberIds": [...]} | {"all": true}   new invitations (links shown once)
import type { Request, Server } from 'restify';
import { z } from 'zod';
import type { AppDeps } from './deps.ts';
import { TabError, TabFile, type TabHandler, type TabRoute } from './tab-route.ts';
import { importReport } from '../adaptive-cards/import-report.ts';
import { invitationSheetHtml, lastValidDay } from '../adaptive-cards/invitation-sheet.ts';
import { t, type MessageKey } from '../adaptive-cards/texts.ts';
import { formatDateWithYear } from '../adaptive-cards/format.ts';
import { MAX_IMPORT_ROWS, templateCsv } from '../domain/import.ts';
import { mayUseTab } from '../domain/permissions.ts';
import type { Member } from '../infra/identities.ts';
import { applyImport, planImport } from '../infra/import.ts';
import { deliverInvitations, invitationList, issueInvitations, type InvitationSender } from '../infra/invitations.ts';
import { centreName } from '../infra/overview.ts';

/** Texts the coordinator's part of the page (bot/static/tab-coordinator.js) shows. */
export const COORDINATOR_PAGE_KEYS = [
  'tab.import.title', 'tab.import.intro', 'tab.import.kind', 'tab.import.kind.volunteers', 'tab.import.kind.persons', 'tab.import.file',
  'tab.import.template', 'tab.import.check', 'tab.import.apply', 'tab.import.applySkipping', 'tab.import.problems', 'tab.import.allRows',
  'tab.import.noProblems', 'tab.import.tooLarge', 'tab.import.failed', 'import.dryRunNote', 'import.column.line', 'import.column.name',
  'import.column.field', 'import.column.problem', 'import.column.outcome',
  'tab.invitations.title', 'tab.invitations.empty', 'tab.invitations.status', 'tab.invitations.makeAll', 'tab.invitations.makeOne',
  'tab.invitations.madeTitle', 'tab.invitations.onlyNow', 'tab.invitations.print', 'tab.invitations.link', 'tab.invitations.code',
  'tab.invitations.teams', 'tab.invitations.sms', 'tab.invitations.again',
] as const satisfies readonly MessageKey[];

const Kind = z.enum(['volunteers', 'persons']);
const Flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');
const ImportQuery = z.object({ kind: Kind, apply: Flag, skipInvalid: Flag });
const InviteBody = z.union([z.object({ all: z.literal(true) }), z.object({ memberIds: z.array(z.uuid()).min(1).max(2000) })]);

export interface CoordinatorDeps extends Pick<AppDeps, 'config' | 'db' | 'now'> {
  /** Sends invitations by SMS once that transport exists (issue 12); until then links only. */
  invitationSender?: InvitationSender | null;
}

/** A spreadsheet of a few thousand rows; more is not a volunteer centre's register. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

async function readUpload(req: Request): Promise<Buffer> {
  const declared = Number(req.header('content-length') ?? '0');
  if (declared > MAX_UPLOAD_BYTES) throw new TabError(413, 'too_large', 'tab.import.tooLarge');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UPLOAD_BYTES) throw new TabError(413, 'too_large', 'tab.import.tooLarge');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function registerCoordinatorRoutes(server: Server, deps: CoordinatorDeps, route: TabRoute, staffCentre: (member: Member) => string): void {
  const { db, config } = deps;
  const query = (req: Request) => (req.query as Record<string, unknown> | undefined) ?? {};

  /** The coordinator's centre; anyone else is refused as the tab refuses a view that is not theirs. */
  const coordinatorCentre = (member: Member, what: 'import' | 'invitations'): string => {
    const centreId = staffCentre(member);
    if (!mayUseTab(member.role, what)) throw new TabError(403, 'not_coordinator', 'tab.error.noView');
    return centreId;
  };

  server.get(
    '/api/tab/import/template',
    route('import.template', async ({ req, member }) => {
      coordinatorCentre(member, 'import');
      const kind = Kind.safeParse(query(req).kind);
      if (!kind.success) throw new TabError(400, 'bad_kind', 'error.invalid');
      const name = kind.data === 'volunteers' ? 'import-frivillige.csv' : 'import-personer.csv';
      return new TabFile(name, 'text/csv; charset=utf-8', Buffer.from(templateCsv(kind.data), 'utf8'));
    }),
  );

  server.post(
    '/api/tab/import',
    route('import', async ({ req, member, locale, now }) => {
      const centreId = coordinatorCentre(member, 'import');
      const q = ImportQuery.safeParse(query(req));
      if (!q.success) throw new TabError(400, 'bad_query', 'error.invalid');
      // The file's own bytes, so a Windows-1252 file arrives as it was saved: restify's body reader
      // leaves application/octet-stream to the route (anything else it would decode as text).
      if (!req.is('application/octet-stream')) throw new TabError(415, 'send_file_bytes', 'tab.import.failed');
      const bytes = await readUpload(req);
      const input = { kind: q.data.kind, centreId, bytes, now, consentValidityMonths: config.CONSENT_VALIDITY_MONTHS };
      const reportOf = (plan: Parameters<typeof importReport>[1]) => importReport(locale, plan, { consentValidityMonths: config.CONSENT_VALIDITY_MONTHS, maxRows: MAX_IMPORT_ROWS });
      if (!q.data.apply) {
        const plan = await planImport(db, input);
        return { applied: false, counts: plan.counts, report: reportOf(plan), message: t(locale, 'import.dryRunNote') };
      }
      const result = await applyImport(db, { ...input, actor: { memberId: member.id, via: 'tab' }, skipInvalid: q.data.skipInvalid });
      const c = result.plan.counts;
      if (!result.ok) {
        return { applied: false, blocked: true, counts: c, report: reportOf(result.plan), message: result.reason === 'invalid_rows' ? t(locale, 'import.blocked', { count: c.skip }) : reportOf(result.plan).fileProblems.join(' ') };
      }
      return {
        applied: true,
        importId: result.importId,
        counts: c,
        createdVolunteerIds: result.createdVolunteerIds,
        report: reportOf(result.plan),
        message: result.importId ? t(locale, 'import.done', { create: c.create, update: c.update, unchanged: c.unchanged, skip: c.skip }) : t(locale, 'import.nothingNew'),
      };
    }),
  );

  server.get(
    '/api/tab/invitations',
    route('invitations', async ({ member, locale, now }) => {
      const centreId = coordinatorCentre(member, 'invitations');
      const items = await invitationList(db, centreId, now);
      return {
        intro: t(locale, 'tab.invitations.intro', { days: config.INVITATION_VALID_DAYS }),
        items: items.map((i) => ({
          memberId: i.memberId,
          name: i.name,
          district: i.district,
          state: i.state,
          stateText: i.at ? t(locale, `tab.invitations.status.${i.state}` as MessageKey, { date: formatDateWithYear(locale, i.at) }) : t(locale, i.state === 'accepted' ? 'tab.invitations.status.accepted' : 'tab.invitations.status.none', { date: '' }).trim(),
        })),
      };
    }),
  );

  server.post(
    '/api/tab/invitations',
    route('invitations.make', async ({ req, member, locale, now }) => {
      const centreId = coordinatorCentre(member, 'invitations');
      const body = InviteBody.safeParse(req.body);
      if (!body.success) throw new TabError(400, 'bad_body', 'error.invalid');
      const memberIds = 'all' in body.data
        ? (await invitationList(db, centreId, now)).filter((i) => i.state !== 'accepted').map((i) => i.memberId)
        : body.data.memberIds;
      const centre = (await centreName(db, centreId)) ?? '';
      const { issued } = await issueInvitations(db, {
        centreId, memberIds, by: member.id, now, validDays: config.INVITATION_VALID_DAYS, publicBaseUrl: config.PUBLIC_BASE_URL, botAppId: config.MicrosoftAppId,
      });
      const delivered = await deliverInvitations(db, issued, deps.invitationSender ?? null, (i) =>
        t(locale, 'invitation.sms', { name: i.name.split(/\s+/)[0] ?? '', centre, link: i.links.web, date: lastValidDay(locale, i.expiresAt) }),
      );
      return {
        items: delivered.map((i) => ({
          memberId: i.memberId,
          name: i.name,
          district: i.district,
          code: i.code,
          link: i.links.web,
          teamsLink: i.links.teams,
          sentVia: i.sentVia,
          valid: lastValidDay(locale, i.expiresAt),
        })),
        // The printable page, to save and print (the same page `npm run import -- invitations` writes).
        sheet: invitationSheetHtml(locale, {
          centre,
          invitations: delivered.filter((i) => i.sentVia === 'link').map((i) => ({ name: i.name, code: i.code, webLink: i.links.web, teams: i.links.teams !== null, qr: i.qr, expiresAt: i.expiresAt })),
        }),
      };
    }),
  );
}
