// The tab's page (GET /tab): its HTML shell and the catalog messages its script shows, in every
// language (the page fills in {placeholders} itself). The routes that serve it are in tab.ts.
import { catalog, LOCALES, t, type MessageKey } from '../adaptive-cards/texts.ts';
import type { Locale } from '../domain/types.ts';
import { htmlHead, jsonForScript } from './page-assets.ts';
import { COORDINATOR_PAGE_KEYS } from './tab-coordinator.ts';

/** Messages the page shows; the page fills in {placeholders} itself. */
const PAGE_KEYS = [
  'greeting.named',
  'webSignIn.intro',
  'webSignIn.idporten',
  'webSignIn.idportenHint',
  'webSignIn.entra',
  'webSignIn.entraHint',
  'system.unavailable',
  'common.showing',
  'myTasks.title',
  'myTasks.empty',
  'offer.what',
  'offer.where',
  'offer.when',
  'offer.duration',
  'offer.flexible',
  'task.person',
  'task.address',
  'task.phone',
  'task.meetingPlace',
  'task.contact',
  'task.handoverNote',
  'task.call',
  'task.callContact',
  'task.confidential',
  'task.emergency',
  'tab.loading',
  'tab.refresh',
  'tab.updatedAt',
  'tab.upcoming',
  'tab.history',
  'tab.historyEmpty',
  'tab.hoursUnknown',
  'tab.overview',
  'tab.counts',
  'tab.count.open',
  'tab.count.unfilled',
  'tab.count.unfilledHint',
  'tab.count.taken',
  'tab.count.doneThisMonth',
  'tab.median',
  'tab.medianNone',
  'tab.medianBasis',
  'tab.needsAction',
  'tab.needsActionEmpty',
  'tab.reason.escalated',
  'tab.reason.waiting_consent',
  'tab.reason.starting_soon',
  'tab.signIn.title',
  'tab.signIn.text',
  'tab.dev.title',
  'tab.dev.text',
  'tab.dev.link',
  'tab.dev.youAre',
  'tab.error.title',
  'tab.error.notMember',
  'tab.error.noView',
  'tab.error.signIn',
  'tab.error.tenant',
  'contribution.title',
  'contribution.inAll',
  'contribution.tasksHours',
  'contribution.thanks',
  'contribution.none',
  'tab.report.title',
  'tab.report.period',
  'tab.report.period.year',
  'tab.report.period.12w',
  'tab.report.period.custom',
  'tab.report.from',
  'tab.report.to',
  'tab.report.show',
  'tab.report.requestsChart',
  'tab.report.requestsHint',
  'tab.report.series.filled',
  'tab.report.series.expired',
  'tab.report.series.open',
  'tab.report.waitChart',
  'tab.report.waitHint',
  'tab.report.series.median',
  'tab.report.series.p90',
  'tab.report.minutes',
  'tab.report.hoursChart',
  'tab.report.hoursHint',
  'tab.report.hours',
  'tab.report.week',
  'tab.report.group',
  'tab.report.showTable',
  'tab.report.chartAlt',
  'tab.report.totals',
  'tab.report.figure',
  'tab.report.value',
  'tab.report.small',
  'tab.report.download',
  'tab.report.downloadHint',
  'tab.report.downloadCsv',
  'tab.report.downloadJson',
  'tab.report.downloadFailed',
  'tab.report.police',
] as const satisfies readonly MessageKey[];

function pageTexts(locale: Locale): Record<string, string> {
  const all = catalog(locale);
  return Object.fromEntries([...PAGE_KEYS, ...COORDINATOR_PAGE_KEYS].map((k) => [k, all[k]]));
}

export function pageHtml(dev: boolean, teamsJsUrl: string, chartJsUrl: string, signInProviders: readonly string[]): string {
  const config = { dev, api: '/api/tab', directLineDomain: '/v3/directline', webChatUrl: '/', signIn: signInProviders, texts: Object.fromEntries(LOCALES.map((l) => [l, pageTexts(l)])) };
  return `${htmlHead('/tab/app.css')}
<body>
<header class="topbar">
<p class="brand">Dugnad</p>
<p id="who" class="who" hidden></p>
</header>
<main id="main" class="main" tabindex="-1">
<h1 id="title">Dugnad</h1>
<p id="status" class="status" role="status">${t('nb', 'tab.loading')}</p>
<div id="content"></div>
</main>
<script type="application/json" id="tab-config">${jsonForScript(config)}</script>
<script src="${teamsJsUrl}" defer></script>
<script src="${chartJsUrl}" defer></script>
<script src="/tab/app.js" defer></script>
<script src="/tab/coordinator.js" defer></script>
</body>
</html>
`;
}
