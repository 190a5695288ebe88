/**
 * The Teams personal tab (GET /tab; the app manifest points its static tab here): «Mine oppdrag» and
 * «Min innsats» for volunteers; for staff, the centre's overview and its figures for a period (charts,
 * tables, and the annual report as a download — the same file `npm run report` writes).
 *
 * Identity never comes from what the page says about itself. In Teams the page sends the Entra ID
 * token from `authentication.getAuthToken()`; tab-auth.ts verifies it (RS256 against the published keys,
 * issuer, audience, scope, tenant) and tab-route.ts maps its oid to the member the bot knows under that
 * Teams account, for every route here. Outside Teams there is no identity in production ("Logg inn via
 * Teams"). In development only, the page may send the local web chat's Direct Line token, which this
 * server signed and which binds a demo user id — the same proof the web chat itself runs on.
 *
 * For Teams to issue the token, the bot's app registration must expose the Application ID URI
 * api://<host>/<MicrosoftAppId> (the manifest's webApplicationInfo.resource) with the scope
 * access_as_user, pre-authorising the Teams clients; until then getAuthToken fails and the page says
 * it could not sign you in.
 *
 * The page itself and the words it shows are in tab-page.ts, its Content-Security-Policy in tab-csp.ts;
 * this file keeps the routes.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { AppDeps } from './deps.ts';
import { ownAsset, sendAsset, sendPage, vendorBundle } from './page-assets.ts';
import { formatDate, formatDateTime, formatDateWithYear, formatDuration, formatTime, formatWindow, intlTagOf } from '../adaptive-cards/format.ts';
import { FLAG_SEPARATOR, requestFlags } from '../adaptive-cards/request-view.ts';
import { telUrl } from '../adaptive-cards/card.ts';
import { formatHours } from '../adaptive-cards/follow-up.ts';
import { isMessageKey, t } from '../adaptive-cards/texts.ts';
import { publicView } from '../domain/confidentiality.ts';
import { mayPerform } from '../domain/permissions.ts';
import type { Locale } from '../domain/types.ts';
import type { Member } from '../infra/identities.ts';
import { interestGroups } from '../infra/centres.ts';
import { myTasks } from '../infra/offers.ts';
import { centreFigures, centreName, centreOverview, periodOf, volunteerHistory, type DayPeriod } from '../infra/overview.ts';
import { contributionOf } from '../infra/contribution.ts';
import { FIGURE_COLUMNS, osloMidnight, reportFile, reportForDays, smallCount, type Cell, type FigureUnit } from '../infra/reports.ts';
import { policeCertificateCountsOf } from '../infra/police-certificates.ts';
import { tabAuthPolicy, type TabAuthDeps } from './tab-auth.ts';
import { TabError, TabFile, tabRoute, type TabRouteDeps } from './tab-route.ts';
import { registerCoordinatorRoutes } from './tab-coordinator.ts';
import { pageHtml } from './tab-page.ts';
import { tabContentSecurityPolicy } from './tab-csp.ts';
import { TZDate } from '@date-fns/tz';
import { differenceInCalendarDays } from 'date-fns';
import { TIME_ZONE } from '../domain/time-zone.ts';
import { groupName } from '../domain/interest-groups.ts';

// ---------------------------------------------------------------------------------------------
// What a member sees on the tab

export type TabView = 'volunteer' | 'staff' | 'none';

function viewOf(member: Member): TabView {
  if (mayPerform(member.role, 'tasks.mine')) return 'volunteer';
  if (mayPerform(member.role, 'staff.requests.list') && member.centreIds.length > 0) return 'staff';
  return 'none';
}

// ---------------------------------------------------------------------------------------------
// Routes

export interface TabDeps extends Pick<AppDeps, 'config' | 'db' | 'log' | 'now'>, TabAuthDeps, TabRouteDeps {
  /** The web sign-in's providers (ids), offered on the page outside Teams. */
  signInProviders?: readonly string[];
}

/** The figures' period: a long one is still one grouped scan per family, but not an unbounded one. */
const MAX_REPORT_DAYS = 3 * 366;
const Day = z.string().refine((v) => osloMidnight(v) !== null);
const PeriodQuery = z
  .object({
    period: z.enum(['year', '12w', 'custom']).default('year'),
    from: Day.optional(),
    to: Day.optional(),
    // Staff of several centres may name one; absent, their first.
    centre: z.string().regex(/^[a-z0-9_-]{1,64}$/).optional(),
  })
  .refine((q) => q.period !== 'custom' || (q.from !== undefined && q.to !== undefined));
const DownloadQuery = z.object({ format: z.enum(['csv', 'json']), from: Day, to: Day, centre: PeriodQuery.shape.centre });

function customPeriod(from: string, to: string): DayPeriod {
  const days = differenceInCalendarDays(osloMidnight(to)!, osloMidnight(from)!);
  if (days < 0 || days >= MAX_REPORT_DAYS) throw new TabError(400, 'bad_period', 'tab.report.badPeriod');
  return { from, to };
}

function query(req: Request): Record<string, unknown> {
  return (req.query as Record<string, unknown> | undefined) ?? {};
}

function figureLabel(locale: Locale, key: string, fallback: string): string {
  const k = `tab.report.figure.${key}`;
  return isMessageKey(k) ? t(locale, k) : fallback;
}

/** A cell of the export as the page shows it; "<5" and ":" stay as they are. */
function cellText(locale: Locale, unit: FigureUnit, cell: Cell): string {
  if (cell === null) return '–';
  if (typeof cell === 'string') return cell;
  switch (unit) {
    case 'fraction':
      return new Intl.NumberFormat(intlTagOf(locale), { style: 'percent', maximumFractionDigits: 1 }).format(cell);
    case 'minutes':
      return formatDuration(locale, cell);
    default:
      // Counts and hours: a number, with a decimal comma in bokmål.
      return formatHours(locale, cell);
  }
}

export function registerTab(server: Server, deps: TabDeps): void {
  const { config, db } = deps;
  const route = tabRoute(deps, tabAuthPolicy(deps));

  // "main" of @microsoft/teams-js is its UMD bundle, which defines window.microsoftTeams. Chart.js's
  // main is CommonJS; its UMD bundle (window.Chart) sits beside it in dist/.
  const teamsJs = vendorBundle('@microsoft/teams-js', null);
  const teamsJsUrl = `/tab/teams-js/${encodeURIComponent(teamsJs.version)}/MicrosoftTeams.min.js`;
  const chartJs = vendorBundle('chart.js', 'dist/chart.umd.min.js');
  const chartJsUrl = `/tab/chart-js/${encodeURIComponent(chartJs.version)}/chart.umd.min.js`;
  const html = Buffer.from(pageHtml(config.dev, teamsJsUrl, chartJsUrl, deps.webSession ? (deps.signInProviders ?? []) : []), 'utf8');
  const csp = tabContentSecurityPolicy();
  const assets = { teamsJs: teamsJs.asset, chartJs: chartJs.asset, appJs: ownAsset('tab.js'), coordinatorJs: ownAsset('tab-coordinator.js'), appCss: ownAsset('tab.css') };

  server.get('/tab', async (_req: Request, res: Response) => sendPage(res, html, csp));
  server.get(teamsJsUrl, async (req: Request, res: Response) => sendAsset(req, res, assets.teamsJs));
  server.get(chartJsUrl, async (req: Request, res: Response) => sendAsset(req, res, assets.chartJs));
  server.get('/tab/app.js', async (req: Request, res: Response) => sendAsset(req, res, assets.appJs));
  server.get('/tab/coordinator.js', async (req: Request, res: Response) => sendAsset(req, res, assets.coordinatorJs));
  server.get('/tab/app.css', async (req: Request, res: Response) => sendAsset(req, res, assets.appCss));

  const groupLabels = async (centreIds: string[], locale: Locale) => {
    const groups = await interestGroups(db, centreIds);
    return (key: string) => {
      const g = groups.find((x) => x.key === key);
      return g ? groupName(g, locale) : key;
    };
  };

  server.get(
    '/api/tab/me',
    route('me', async ({ member, identity, locale }) => {
      const view = viewOf(member);
      const centreId = member.centreIds[0];
      return {
        name: member.firstName,
        role: member.role,
        view,
        locale: member.locale,
        centre: view === 'staff' && centreId ? await centreName(db, centreId) : null,
        via: identity.kind,
        ...(view === 'none' ? { message: t(locale, 'tab.error.noView') } : {}),
      };
    }),
  );

  server.get(
    '/api/tab/tasks',
    route('tasks', async ({ member, identity, locale, now }) => {
      if (viewOf(member) !== 'volunteer') throw new TabError(403, 'not_a_volunteer', 'tab.error.noView');
      // myTasks records a reveal for every task it returns: opening the tab is reading the details.
      const [tasks, history, contribution] = await Promise.all([
        myTasks(db, { volunteerId: member.id, channelId: identity.channelId, now }),
        volunteerHistory(db, { volunteerId: member.id }),
        contributionOf(db, member.id, now),
      ]);
      const year = new TZDate(now.getTime(), TIME_ZONE).getFullYear();
      const centreIds = [...new Set([...tasks.map((x) => x.request.centreId), ...history.items.map((x) => x.centreId), ...member.centreIds])];
      const label = await groupLabels(centreIds, locale);
      return {
        upcoming: tasks.map(({ assignmentId, request, details }) => {
          const view = publicView(request);
          return {
            assignmentId,
            group: label(view.group),
            district: view.district,
            startsAt: view.startsAt.toISOString(),
            when: formatDateTime(locale, view.startsAt),
            duration: formatDuration(locale, view.durationMinutes),
            window: view.flexibleUntil ? formatWindow(locale, view.startsAt, view.flexibleUntil) : null,
            flags: requestFlags(locale, view).join(FLAG_SEPARATOR),
            summary: view.summary,
            person: details.personName,
            address: details.address,
            phone: details.phone,
            phoneUrl: details.phone ? telUrl(details.phone) : null,
            meetingPlace: details.meetingPlace,
            handoverNote: details.handoverNote,
            contactName: details.contactName,
            contactPhone: details.contactPhone,
            contactPhoneUrl: details.contactPhone ? telUrl(details.contactPhone) : null,
          };
        }),
        // «Min innsats»: the same figures as the chat's card (infra/contribution.ts).
        contribution: {
          year,
          tasksThisYear: contribution.tasksThisYear,
          hoursThisYear: contribution.hoursThisYear,
          tasksInAll: contribution.tasksInAll,
          hoursInAll: contribution.hoursInAll,
          hoursThisYearText: formatHours(locale, contribution.hoursThisYear),
          tasksLabel: t(locale, 'tab.contribution.tasksYear', { year }),
          hoursLabel: t(locale, 'tab.contribution.hoursYear', { year }),
          inAll: t(locale, 'contribution.tasksHours', { tasks: contribution.tasksInAll, hours: formatHours(locale, contribution.hoursInAll) }),
        },
        history: {
          totalTasks: contribution.tasksInAll,
          items: history.items.map((h) => ({
            assignmentId: h.assignmentId,
            group: label(h.group),
            district: h.district,
            startsAt: h.startsAt.toISOString(),
            date: formatDate(locale, h.startsAt),
            hours: h.hours,
            hoursText: h.hours === null ? null : formatDuration(locale, Math.round(h.hours * 60)),
          })),
        },
      };
    }),
  );

  /** The centre whose staff data this member may see: the one named if it is theirs, else their first. */
  function staffCentre(member: Member, named?: string): string {
    const centreId = named ?? member.centreIds[0];
    if (viewOf(member) !== 'staff' || !centreId) throw new TabError(403, 'not_staff', 'tab.error.noView');
    if (!member.centreIds.includes(centreId)) throw new TabError(403, 'other_centre', 'tab.error.noView');
    return centreId;
  }

  server.get(
    '/api/tab/overview',
    route('overview', async ({ member, locale, now }) => {
      const centreId = staffCentre(member);
      const [overview, name] = await Promise.all([centreOverview(db, { centreId, now }), centreName(db, centreId)]);
      const label = await groupLabels([centreId], locale);
      return {
        centre: name,
        counts: overview.counts,
        medianMinutesToTaken: overview.medianMinutesToTaken,
        median: overview.medianMinutesToTaken === null ? null : formatDuration(locale, overview.medianMinutesToTaken),
        takenInWindow: overview.takenInWindow,
        // Kind of help, district, time and status: enough to act on, nothing about the person.
        needsAction: overview.needsAction.map((r) => ({
          requestId: r.requestId,
          group: label(r.group),
          district: r.district,
          startsAt: r.startsAt.toISOString(),
          when: formatDateTime(locale, r.startsAt),
          duration: formatDuration(locale, r.durationMinutes),
          status: r.status,
          urgent: r.urgent,
          reasons: r.reasons,
        })),
        needsActionTotal: overview.needsActionTotal,
        updatedAt: formatTime(now),
      };
    }),
  );

  // The centre's figures for a period: the annual report's own numbers (infra/reports.ts) by week
  // and interest group, for the charts and tables. Ids, statuses, times and hours only, so retention
  // changes nothing here; counts about people come through the export's «<5» rule.
  server.get(
    '/api/tab/report',
    route('report', async ({ req, member, locale, now }) => {
      const q = PeriodQuery.safeParse(query(req));
      if (!q.success) throw new TabError(400, 'bad_period', 'tab.report.badPeriod');
      const centreId = staffCentre(member, q.data.centre);
      const period = q.data.period === 'custom' ? customPeriod(q.data.from!, q.data.to!) : periodOf(q.data.period, now);
      const [figures, name] = await Promise.all([centreFigures(db, { centreId, ...period }), centreName(db, centreId)]);
      const label = await groupLabels([centreId], locale);
      const duration = (m: number | null) => (m === null ? null : formatDuration(locale, m));
      // The politiattest of today's volunteers, on the period's last day (or today): a snapshot, not a figure of the period.
      const policeAt = new Date(Math.min(osloMidnight(figures.period.to)!.getTime() + 86_399_000, now.getTime()));
      const police = await policeCertificateCountsOf(db, centreId, policeAt);
      return {
        centre: name,
        centreId,
        police: (['valid', 'expiring', 'expired'] as const).map((state) => ({ state, label: t(locale, `tab.report.police.${state}`), text: String(smallCount(police[state])) })),
        period: {
          choice: q.data.period,
          from: figures.period.from,
          to: figures.period.to,
          text: t(locale, 'tab.report.periodShown', {
            from: formatDateWithYear(locale, osloMidnight(figures.period.from)!),
            to: formatDateWithYear(locale, osloMidnight(figures.period.to)!),
          }),
        },
        weeks: figures.weeks.map((w) => {
          const [year, week] = w.week.split('-W').map(Number) as [number, number];
          return {
            ...w,
            short: String(week),
            label: t(locale, 'tab.report.weekLabel', { week, year }),
            median: duration(w.minutesToTakeMedian),
            p90: duration(w.minutesToTakeP90),
          };
        }),
        groups: figures.groups.map((g) => ({ ...g, label: label(g.group), hoursText: formatHours(locale, g.hoursGiven) })),
        totals: FIGURE_COLUMNS.map((c) => ({
          key: c.key,
          label: figureLabel(locale, c.key, c.heading),
          value: figures.total[c.key],
          text: cellText(locale, c.unit, figures.total[c.key]),
        })),
      };
    }),
  );

  // The annual report as a file, exactly what `npm run report -- --out` writes (one implementation).
  server.get(
    '/api/tab/report/download',
    route('report.download', async ({ req, member }) => {
      const q = DownloadQuery.safeParse(query(req));
      if (!q.success) throw new TabError(400, 'bad_period', 'tab.report.badPeriod');
      const centreId = staffCentre(member, q.data.centre);
      const period = customPeriod(q.data.from, q.data.to);
      const { presented } = await reportForDays(db, { centreId, ...period });
      const file = reportFile(presented, q.data.format);
      return new TabFile(file.name, file.contentType, Buffer.from(file.text, 'utf8'));
    }),
  );

  // Coordinators: import from a spreadsheet, and the invitations that follow (bot/tab-coordinator.ts).
  registerCoordinatorRoutes(server, deps, route, staffCentre);
}
