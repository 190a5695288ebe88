// The Teams tab page (GET /tab). A classic script, no bundler, loaded after teams-js's UMD bundle,
// which defines window.microsoftTeams. Everything is built with textContent: the data holds names and
// notes typed by people, and none of it may ever become markup.
(() => {
  'use strict';

  const config = JSON.parse(document.getElementById('tab-config').textContent);
  // The local web chat keeps who you picked here (bot/static/webchat-app.js); development only.
  const WEBCHAT_STORAGE_KEY = 'dugnad.webchat.v1';
  // Outside any frame teams-js rejects at once; inside a frame that is not Teams it would wait forever.
  const TEAMS_INIT_TIMEOUT_MS = 8000;

  const titleEl = document.getElementById('title');
  const statusEl = document.getElementById('status');
  const contentEl = document.getElementById('content');
  const whoEl = document.getElementById('who');
  const mainEl = document.getElementById('main');

  let locale = 'nb';
  let auth = null; // { token(): Promise<string>, renew(): void }
  let me = null;

  function text(key, params) {
    const template = (config.texts[locale] || config.texts.nb)[key] || key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name) => (params[name] === undefined ? whole : String(params[name])));
  }

  function localeOf(tag) {
    if (typeof tag !== 'string') return 'nb';
    return /^en\b/i.test(tag) ? 'en' : /^(nn\b|no-nyn\b)/i.test(tag) ? 'nn' : 'nb';
  }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'text') node.textContent = v;
        else if (k === 'className') node.className = v;
        else node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  let headingSeq = 0;
  function section(title, children, extraClass) {
    const id = `section-${++headingSeq}`;
    return el('section', { className: `block${extraClass ? ` ${extraClass}` : ''}`, 'aria-labelledby': id }, [el('h2', { id, text: title }), ...children]);
  }

  function fact(label, value, href) {
    if (!value) return null;
    const dd = el('dd');
    if (href) dd.append(el('a', { href, text: value }));
    else dd.textContent = value;
    return el('div', { className: 'fact' }, [el('dt', { text: label }), dd]);
  }

  function setLanguage(next) {
    locale = next;
    document.documentElement.lang = locale;
  }

  function setTitle(title) {
    titleEl.textContent = title;
    document.title = `${title} – Dugnad`;
  }

  function setStatus(message) {
    statusEl.textContent = message || '';
    statusEl.hidden = !message;
  }

  function showMessage(title, message, extra) {
    setTitle(title);
    setStatus('');
    contentEl.replaceChildren(...(message ? [el('p', { className: 'message', text: message })] : []), ...(extra || []));
  }

  // ---- who is this ---------------------------------------------------------------------------

  function withTimeout(promise, ms) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  function applyTheme(theme) {
    document.documentElement.dataset.theme = theme === 'dark' || theme === 'contrast' ? theme : 'default';
    // Canvas colours are read from the theme when drawn: draw again in the new one.
    if (redrawCharts) redrawCharts();
  }

  // In Teams: SSO. The context only picks language and theme — it is never proof of who someone is;
  // the server decides that from the token.
  async function connectTeams() {
    const teams = window.microsoftTeams;
    if (!teams || !teams.app) return null;
    try {
      await withTimeout(teams.app.initialize(), TEAMS_INIT_TIMEOUT_MS);
    } catch {
      return null;
    }
    try {
      const context = await teams.app.getContext();
      setLanguage(localeOf(context && context.app && context.app.locale));
      applyTheme(context && context.app && context.app.theme);
      teams.app.registerOnThemeChangeHandler(applyTheme);
    } catch {
      // language and theme stay at their defaults
    }
    try {
      teams.app.notifySuccess();
    } catch {
      // only needed when the manifest asks Teams to show a loading indicator
    }
    return {
      // Teams caches the token and renews it; asking each time is cheap.
      token: () => teams.authentication.getAuthToken(),
      renew() {},
    };
  }

  function storedWebChatChoice() {
    try {
      // This browser tab's own choice first; opened in a new tab, the browser's last one (webchat-app.js).
      const choice = JSON.parse(sessionStorage.getItem(WEBCHAT_STORAGE_KEY) || localStorage.getItem(WEBCHAT_STORAGE_KEY) || 'null');
      if (choice && typeof choice.identityId === 'string' && choice.identityId) return choice;
    } catch {
      // blocked or unreadable storage: no choice
    }
    return null;
  }

  // Development only: the server signs a Direct Line token for the identity picked in the web chat,
  // and the tab API accepts it in development (never in production).
  function connectDev() {
    const choice = storedWebChatChoice();
    if (!choice) return null;
    setLanguage(localeOf(choice.locale));
    let pending = null;
    return {
      token() {
        pending ??= fetch(`${config.directLineDomain}/tokens/generate`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ user: { id: choice.identityId } }),
        }).then(async (response) => {
          if (!response.ok) throw new Error(`token request failed: ${response.status}`);
          return (await response.json()).token;
        });
        pending.catch(() => {
          pending = null;
        });
        return pending;
      },
      renew() {
        pending = null;
      },
    };
  }

  // Outside Teams, where the web sign-in is configured: the session cookie speaks for the person.
  function connectWebSession() {
    if (!Array.isArray(config.signIn) || config.signIn.length === 0) return null;
    return { token: async () => null, renew() {}, web: true };
  }

  function signInLinks() {
    const hints = { idporten: 'webSignIn.idportenHint', entra: 'webSignIn.entraHint' };
    return config.signIn.map((id) =>
      el('p', {}, [
        el('a', { className: 'button', href: `/auth/login/${encodeURIComponent(id)}?return=/tab`, text: text(`webSignIn.${id}`) }),
        el('span', { className: 'hint', text: ` ${text(hints[id] || 'webSignIn.intro')}` }),
      ]),
    );
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function apiResponse(path, retried, init) {
    let token;
    try {
      token = await auth.token();
    } catch (error) {
      // Teams refused SSO (consent missing, app registration not set up) or the dev token failed.
      console.error(error);
      throw new ApiError(401, 'sign_in', text('tab.error.signIn'));
    }
    const headers = { Accept: 'application/json', ...((init && init.headers) || {}) };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(`${config.api}${path}${path.includes('?') ? '&' : '?'}lang=${locale}`, {
      method: (init && init.method) || 'GET',
      body: init && init.body,
      headers,
      cache: 'no-store',
      credentials: 'same-origin',
    });
    if (response.status === 401 && auth.web) throw new ApiError(401, 'sign_in', text('webSignIn.intro'));
    if (response.status === 401 && !retried) {
      auth.renew();
      return apiResponse(path, true, init);
    }
    return response;
  }

  async function api(path, init) {
    const response = await apiResponse(path, false, init);
    let body = null;
    try {
      body = await response.json();
    } catch {
      // not JSON: a proxy's error page
    }
    if (!response.ok) {
      const error = (body && body.error) || {};
      throw new ApiError(response.status, error.code || 'error', error.message || text('system.unavailable'));
    }
    return body;
  }

  // ---- volunteers: «Mine oppdrag» ------------------------------------------------------------

  function taskCard(task) {
    const id = `task-${task.assignmentId}`;
    const facts = el('dl', { className: 'facts' }, [
      fact(text('offer.when'), task.when),
      fact(text('offer.flexible'), task.window),
      fact(text('offer.duration'), task.duration),
      fact(text('task.person'), task.person),
      fact(text('task.address'), task.address),
      fact(text('task.phone'), task.phone, task.phoneUrl),
      fact(text('task.meetingPlace'), task.meetingPlace),
      fact(text('task.contact'), [task.contactName, task.contactPhone].filter(Boolean).join(', '), task.contactPhoneUrl),
    ]);
    const actions = el('div', { className: 'actions' }, [
      task.phoneUrl ? el('a', { className: 'button', href: task.phoneUrl, text: text('task.call', { name: task.person }) }) : null,
    ]);
    return el('li', { className: 'card' }, [
      el('article', { 'aria-labelledby': id }, [
        el('h3', { id, text: `${task.group} · ${task.district}` }),
        task.flags ? el('p', { className: 'flags', text: task.flags }) : null,
        facts,
        task.summary ? el('p', { className: 'summary', text: task.summary }) : null,
        task.handoverNote ? el('p', { className: 'note' }, [el('strong', { text: `${text('task.handoverNote')}: ` }), task.handoverNote]) : null,
        actions.childElementCount > 0 ? actions : null,
      ]),
    ]);
  }

  function renderVolunteer(data) {
    setTitle(text('myTasks.title'));
    const upcoming =
      data.upcoming.length === 0
        ? [el('p', { className: 'message', text: text('myTasks.empty') })]
        : [
            el('ul', { className: 'cards' }, data.upcoming.map(taskCard)),
            el('p', { className: 'confidential', text: text('task.confidential') }),
            el('p', { className: 'subtle', text: text('task.emergency') }),
          ];
    const history = [];
    if (data.history.items.length === 0) {
      history.push(el('p', { className: 'message', text: text('tab.historyEmpty') }));
    } else {
      history.push(
        el(
          'ul',
          { className: 'history' },
          data.history.items.map((item) =>
            el('li', {}, [
              el('span', { className: 'history-date', text: item.date }),
              el('span', { text: `${item.group} · ${item.district}` }),
              el('span', { className: 'history-hours', text: item.hoursText || text('tab.hoursUnknown') }),
            ]),
          ),
        ),
      );
      if (data.history.totalTasks > data.history.items.length) {
        history.push(el('p', { className: 'subtle', text: text('common.showing', { shown: data.history.items.length, total: data.history.totalTasks }) }));
      }
    }
    contentEl.replaceChildren(section(text('tab.upcoming'), upcoming), contributionSection(data.contribution), section(text('tab.history'), history), refreshButton());
  }

  // «Min innsats»: the same figures as the chat's card.
  function contributionSection(c) {
    return section(
      text('contribution.title'),
      [
        el('ul', { className: 'stats stats-two' }, [stat(c.tasksThisYear, c.tasksLabel), stat(c.hoursThisYearText, c.hoursLabel)]),
        el('p', { className: 'in-all' }, [el('strong', { text: `${text('contribution.inAll')}: ` }), c.inAll]),
        el('p', { text: text(c.tasksInAll > 0 ? 'contribution.thanks' : 'contribution.none') }),
      ],
      'contribution',
    );
  }

  // ---- staff: the centre's overview ----------------------------------------------------------

  function stat(value, label, hint) {
    return el('li', { className: 'stat' }, [
      el('span', { className: 'stat-value', text: String(value) }),
      el('span', { className: 'stat-label', text: label }),
      hint ? el('span', { className: 'stat-hint', text: hint }) : null,
    ]);
  }

  function actionItem(item) {
    const id = `request-${item.requestId}`;
    return el('li', { className: 'card' }, [
      el('article', { 'aria-labelledby': id }, [
        el('h3', { id, text: `${item.group} · ${item.district}` }),
        el('p', { className: 'when', text: `${item.when} (${item.duration})` }),
        el('ul', { className: 'reasons' }, item.reasons.map((reason) => el('li', { className: `reason reason-${reason}`, text: text(`tab.reason.${reason}`) }))),
      ]),
    ]);
  }

  function renderStaff(data) {
    setTitle(text('tab.overview'));
    const counts = data.counts;
    const figures = section(text('tab.counts'), [
      el('ul', { className: 'stats' }, [
        stat(counts.open, text('tab.count.open')),
        stat(counts.unfilled, text('tab.count.unfilled'), text('tab.count.unfilledHint')),
        stat(counts.taken, text('tab.count.taken')),
        stat(counts.doneThisMonth, text('tab.count.doneThisMonth')),
      ]),
      el('div', { className: 'median' }, [
        el('p', { className: 'median-label', text: text('tab.median') }),
        data.median
          ? el('p', { className: 'median-value', text: data.median })
          : el('p', { className: 'message', text: text('tab.medianNone') }),
        data.median ? el('p', { className: 'subtle', text: text('tab.medianBasis', { count: data.takenInWindow }) }) : null,
      ]),
    ]);
    const needs =
      data.needsAction.length === 0
        ? [el('p', { className: 'message', text: text('tab.needsActionEmpty') })]
        : [el('ul', { className: 'cards' }, data.needsAction.map(actionItem))];
    if (data.needsActionTotal > data.needsAction.length) {
      needs.push(el('p', { className: 'subtle', text: text('common.showing', { shown: data.needsAction.length, total: data.needsActionTotal }) }));
    }
    reportEl = el('section', { className: 'block report', 'aria-labelledby': 'report-title' });
    contentEl.replaceChildren(
      el('p', { className: 'centre', text: data.centre || '' }),
      section(text('tab.needsAction'), needs),
      figures,
      el('p', { className: 'subtle', text: text('tab.updatedAt', { time: data.updatedAt }) }),
      reportEl,
      // Coordinators: import from a spreadsheet and invitations (tab-coordinator.js).
      ...(me && me.role === 'coordinator' ? [coordinatorSlot()] : []),
      refreshButton(),
    );
  }

  // Filled by tab-coordinator.js now, or when it has loaded.
  function coordinatorSlot() {
    const slot = el('div', { id: 'coordinator-slot' });
    if (window.dugnadCoordinator) slot.append(window.dugnadCoordinator.render());
    return slot;
  }

  // ---- staff: the centre's figures for a period (charts, tables, download) ----------------------

  let reportQuery = 'period=year';
  let reportEl = null;
  const charts = [];
  let redrawCharts = null;

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  // A chart's data as a table: the text alternative, for screen readers and anyone who wants numbers.
  function dataTable(caption, headings, rows) {
    const table = el('table', {}, [
      el('caption', { text: caption }),
      el('thead', {}, [el('tr', {}, headings.map((h) => el('th', { scope: 'col', text: h })))]),
      el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c, i) => (i === 0 ? el('th', { scope: 'row', text: c }) : el('td', { text: c })))))),
    ]);
    // Focusable so a keyboard can scroll a wide table on a phone.
    return el('div', { className: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, [table]);
  }

  function chartBlock(id, title, hint, table, height) {
    const headingId = `${id}-title`;
    const canvas = el('canvas', { id, role: 'img', 'aria-label': text('tab.report.chartAlt', { title }) }, [el('p', { text: text('tab.report.chartAlt', { title }) })]);
    const box = el('div', { className: 'chart-box' }, [canvas]);
    if (height) box.style.height = height;
    return {
      canvas,
      node: el('section', { className: 'chart', 'aria-labelledby': headingId }, [
        el('h3', { id: headingId, text: title }),
        el('p', { className: 'subtle', text: hint }),
        box,
        el('details', { className: 'chart-table' }, [el('summary', { text: text('tab.report.showTable') }), table]),
      ]),
    };
  }

  // Chart.js draws an array as lines: long group names wrap instead of being cut off on a phone.
  function wrapLabel(label) {
    if (label.length <= 14) return label;
    const lines = [];
    for (const word of label.split(' ')) {
      const last = lines[lines.length - 1];
      if (last !== undefined && `${last} ${word}`.length <= 14) lines[lines.length - 1] = `${last} ${word}`;
      else lines.push(word);
    }
    return lines;
  }

  function destroyCharts() {
    while (charts.length > 0) charts.pop().destroy();
  }

  function drawCharts(report, blocks) {
    destroyCharts();
    const Chart = window.Chart;
    if (!Chart) return; // the tables still say it all
    const color = cssVar('--text');
    const grid = cssVar('--grid');
    Chart.defaults.color = color;
    Chart.defaults.borderColor = grid;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = 14;
    const weekTitle = (items) => (items.length > 0 ? report.weeks[items[0].dataIndex].label : '');
    const common = {
      responsive: true,
      maintainAspectRatio: false,
      // Reduced motion for everyone, and a chart that is complete the moment it is drawn.
      animation: false,
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 14, padding: 12 } } },
    };
    const weeks = report.weeks.map((w) => w.short);
    charts.push(
      new Chart(blocks.requests.canvas, {
        type: 'bar',
        data: {
          labels: weeks,
          datasets: [
            { label: text('tab.report.series.filled'), data: report.weeks.map((w) => w.requestsFilled), backgroundColor: cssVar('--chart-1') },
            { label: text('tab.report.series.expired'), data: report.weeks.map((w) => w.requestsExpiredUnfilled), backgroundColor: cssVar('--chart-2') },
            { label: text('tab.report.series.open'), data: report.weeks.map((w) => w.requestsStillOpen), backgroundColor: cssVar('--chart-3') },
          ],
        },
        options: {
          ...common,
          plugins: { ...common.plugins, tooltip: { callbacks: { title: weekTitle } } },
          scales: {
            x: { stacked: true, title: { display: true, text: text('tab.report.week') }, grid: { display: false } },
            y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          },
        },
      }),
    );
    const durationOf = (key) => (ctx) => `${ctx.dataset.label}: ${report.weeks[ctx.dataIndex][key] || ''}`;
    charts.push(
      new Chart(blocks.wait.canvas, {
        type: 'line',
        data: {
          labels: weeks,
          datasets: [
            {
              label: text('tab.report.series.median'), data: report.weeks.map((w) => w.minutesToTakeMedian),
              borderColor: cssVar('--chart-1'), backgroundColor: cssVar('--chart-1'), pointRadius: 3, spanGaps: true,
            },
            {
              // Dashed as well as coloured: the two lines differ by more than colour.
              label: text('tab.report.series.p90'), data: report.weeks.map((w) => w.minutesToTakeP90),
              borderColor: cssVar('--chart-2'), backgroundColor: cssVar('--chart-2'), borderDash: [6, 4], pointRadius: 3, pointStyle: 'rect', spanGaps: true,
            },
          ],
        },
        options: {
          ...common,
          plugins: {
            ...common.plugins,
            tooltip: { callbacks: { title: weekTitle, label: (ctx) => durationOf(ctx.datasetIndex === 0 ? 'median' : 'p90')(ctx) } },
          },
          scales: {
            x: { title: { display: true, text: text('tab.report.week') }, grid: { display: false } },
            y: { beginAtZero: true, title: { display: true, text: text('tab.report.minutes') }, ticks: { precision: 0 } },
          },
        },
      }),
    );
    charts.push(
      new Chart(blocks.hours.canvas, {
        type: 'bar',
        data: {
          labels: report.groups.map((g) => wrapLabel(g.label)),
          datasets: [{ label: text('tab.report.hours'), data: report.groups.map((g) => g.hoursGiven), backgroundColor: cssVar('--chart-1') }],
        },
        options: {
          ...common,
          // Horizontal: group names are long, and a phone is narrow.
          indexAxis: 'y',
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: (ctx) => `${report.groups[ctx.dataIndex].hoursText} ${text('tab.report.hours').toLowerCase()}` } } },
          scales: { x: { beginAtZero: true, title: { display: true, text: text('tab.report.hours') } }, y: { grid: { display: false } } },
        },
      }),
    );
  }

  function periodForm(report) {
    const choice = report.period.choice;
    const radio = (value, label) =>
      el('label', { className: 'choice' }, [el('input', { type: 'radio', name: 'period', value, checked: choice === value }), el('span', { text: label })]);
    const dates = el('div', { className: 'dates', hidden: choice !== 'custom' }, [
      el('label', { for: 'period-from', text: text('tab.report.from') }),
      el('input', { id: 'period-from', type: 'date', name: 'from', value: report.period.from, required: true }),
      el('label', { for: 'period-to', text: text('tab.report.to') }),
      el('input', { id: 'period-to', type: 'date', name: 'to', value: report.period.to, required: true }),
    ]);
    const form = el('form', { className: 'period', novalidate: true }, [
      el('fieldset', {}, [
        el('legend', { text: text('tab.report.period') }),
        el('div', { className: 'choices' }, [
          radio('year', text('tab.report.period.year')),
          radio('12w', text('tab.report.period.12w')),
          radio('custom', text('tab.report.period.custom')),
        ]),
        dates,
      ]),
      el('button', { type: 'submit', className: 'secondary', text: text('tab.report.show') }),
    ]);
    form.addEventListener('change', (event) => {
      if (event.target.name === 'period') dates.hidden = event.target.value !== 'custom';
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const period = data.get('period');
      reportQuery =
        period === 'custom'
          ? `period=custom&from=${encodeURIComponent(data.get('from') || '')}&to=${encodeURIComponent(data.get('to') || '')}`
          : `period=${encodeURIComponent(period)}`;
      loadReport();
    });
    return form;
  }

  async function download(report, format, button) {
    button.disabled = true;
    try {
      const response = await apiResponse(`/report/download?format=${format}&from=${report.period.from}&to=${report.period.to}&centre=${encodeURIComponent(report.centreId)}`);
      if (!response.ok) throw new Error(`download failed: ${response.status}`);
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '');
      const url = URL.createObjectURL(await response.blob());
      const link = el('a', { href: url, download: name ? name[1] : `arsmelding.${format}` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      console.error(error);
      setStatus(text('tab.report.downloadFailed'));
    } finally {
      button.disabled = false;
    }
  }

  function renderReport(report) {
    const blocks = {
      requests: chartBlock(
        'chart-requests',
        text('tab.report.requestsChart'),
        text('tab.report.requestsHint'),
        dataTable(
          text('tab.report.requestsChart'),
          [text('tab.report.week'), text('tab.report.series.filled'), text('tab.report.series.expired'), text('tab.report.series.open')],
          report.weeks.map((w) => [w.label, String(w.requestsFilled), String(w.requestsExpiredUnfilled), String(w.requestsStillOpen)]),
        ),
      ),
      wait: chartBlock(
        'chart-wait',
        text('tab.report.waitChart'),
        text('tab.report.waitHint'),
        dataTable(
          text('tab.report.waitChart'),
          [text('tab.report.week'), text('tab.report.series.median'), text('tab.report.series.p90')],
          report.weeks.map((w) => [w.label, w.median || '–', w.p90 || '–']),
        ),
      ),
      hours: chartBlock(
        'chart-hours',
        text('tab.report.hoursChart'),
        text('tab.report.hoursHint'),
        dataTable(text('tab.report.hoursChart'), [text('tab.report.group'), text('tab.report.hours')], report.groups.map((g) => [g.label, g.hoursText])),
        `${Math.max(10, 2.5 * report.groups.length + 4)}rem`,
      ),
    };
    const totals = el('section', { className: 'totals', 'aria-labelledby': 'report-totals' }, [
      el('h3', { id: 'report-totals', text: text('tab.report.totals') }),
      dataTable(text('tab.report.totals'), [text('tab.report.figure'), text('tab.report.value')], report.totals.map((f) => [f.label, f.text])),
      el('p', { className: 'subtle', text: text('tab.report.small') }),
      ...(report.police ? [dataTable(text('tab.report.police'), [text('tab.report.police'), text('tab.report.value')], report.police.map((p) => [p.label, p.text]))] : []),
    ]);
    const csv = el('button', { type: 'button', className: 'secondary', text: text('tab.report.downloadCsv') });
    const json = el('button', { type: 'button', className: 'secondary', text: text('tab.report.downloadJson') });
    csv.addEventListener('click', () => download(report, 'csv', csv));
    json.addEventListener('click', () => download(report, 'json', json));
    const downloads = el('section', { className: 'downloads', 'aria-labelledby': 'report-download' }, [
      el('h3', { id: 'report-download', text: text('tab.report.download') }),
      el('p', { className: 'subtle', text: text('tab.report.downloadHint') }),
      el('div', { className: 'actions' }, [csv, json]),
    ]);
    redrawCharts = () => drawCharts(report, blocks);
    reportEl.replaceChildren(
      el('h2', { id: 'report-title', text: text('tab.report.title') }),
      periodForm(report),
      el('p', { className: 'period-shown', text: report.period.text }),
      el('div', { className: 'charts' }, [blocks.requests.node, blocks.wait.node, blocks.hours.node]),
      totals,
      downloads,
    );
    drawCharts(report, blocks);
  }

  async function loadReport() {
    if (!reportEl) return;
    reportEl.setAttribute('aria-busy', 'true');
    try {
      renderReport(await api(`/report?${reportQuery}`));
    } catch (error) {
      console.error(error);
      const message = el('p', { className: 'message report-error', role: 'alert', text: error instanceof ApiError ? error.message : text('system.unavailable') });
      const form = reportEl.querySelector('form.period');
      // Keep the form, so a wrong period can be put right.
      if (form) {
        reportEl.querySelector('.report-error')?.remove();
        form.after(message);
      } else {
        reportEl.replaceChildren(el('h2', { id: 'report-title', text: text('tab.report.title') }), message);
      }
    } finally {
      reportEl.removeAttribute('aria-busy');
    }
  }

  function refreshButton() {
    const button = el('button', { type: 'button', className: 'secondary', text: text('tab.refresh') });
    button.addEventListener('click', () => {
      load().then(() => mainEl.focus());
    });
    return button;
  }

  // ---- flow ----------------------------------------------------------------------------------

  async function load() {
    setStatus(text('tab.loading'));
    try {
      me ??= await api('/me');
      // Teams has no nynorsk: a Norwegian client follows the person's «Språk» or their centre's.
      if (locale === 'nb' && me.locale === 'nn') setLanguage('nn');
      if (me.name) {
        whoEl.textContent = me.via === 'dev' ? text('tab.dev.youAre', { name: me.name }) : text('greeting.named', { name: me.name });
        whoEl.hidden = false;
      }
      if (me.view === 'volunteer') renderVolunteer(await api('/tasks'));
      else if (me.view === 'staff') {
        document.body.classList.add('staff');
        destroyCharts();
        renderStaff(await api('/overview'));
        await loadReport();
      }
      else return showMessage(text('tab.error.title'), text('tab.error.noView'));
      setStatus('');
    } catch (error) {
      console.error(error);
      // A refused sign-in will not change by asking again; anything else might (a network blip).
      if (error instanceof ApiError && error.status === 401 && auth.web) return showMessage(text('webSignIn.intro'), '', signInLinks());
      const retry = error instanceof ApiError && (error.status === 401 || error.status === 403) ? [] : [refreshButton()];
      showMessage(text('tab.error.title'), error instanceof ApiError ? error.message : text('system.unavailable'), retry);
    }
  }

  async function start() {
    auth = await connectTeams();
    if (!auth && config.dev) {
      auth = connectDev();
      if (!auth) {
        return showMessage(text('tab.dev.title'), text('tab.dev.text'), [el('p', {}, [el('a', { className: 'button', href: config.webChatUrl, text: text('tab.dev.link') })])]);
      }
    }
    auth ??= connectWebSession();
    if (!auth) return showMessage(text('tab.signIn.title'), text('tab.signIn.text'));
    return load();
  }

  // What the coordinator's part of the page (tab-coordinator.js, loaded after this) builds with.
  window.dugnadTab = { el, text, section, api, apiResponse, ApiError, setStatus };

  start();
})();
