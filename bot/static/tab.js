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
    return typeof tag === 'string' && /^en\b/i.test(tag) ? 'en' : 'nb';
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
    contentEl.replaceChildren(el('p', { className: 'message', text: message }), ...(extra || []));
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
      const choice = JSON.parse(sessionStorage.getItem(WEBCHAT_STORAGE_KEY) || 'null');
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

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(path, retried) {
    let token;
    try {
      token = await auth.token();
    } catch (error) {
      // Teams refused SSO (consent missing, app registration not set up) or the dev token failed.
      console.error(error);
      throw new ApiError(401, 'sign_in', text('tab.error.signIn'));
    }
    const response = await fetch(`${config.api}${path}${path.includes('?') ? '&' : '?'}lang=${locale}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      cache: 'no-store',
    });
    if (response.status === 401 && !retried) {
      auth.renew();
      return api(path, true);
    }
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
    const history = [el('p', { className: 'total', text: data.history.yearSummary })];
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
    contentEl.replaceChildren(section(text('tab.upcoming'), upcoming), section(text('tab.history'), history), refreshButton());
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
    contentEl.replaceChildren(
      el('p', { className: 'centre', text: data.centre || '' }),
      section(text('tab.needsAction'), needs),
      figures,
      el('p', { className: 'subtle', text: text('tab.updatedAt', { time: data.updatedAt }) }),
      refreshButton(),
    );
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
      if (me.name) {
        whoEl.textContent = me.via === 'dev' ? text('tab.dev.youAre', { name: me.name }) : text('greeting.named', { name: me.name });
        whoEl.hidden = false;
      }
      if (me.view === 'volunteer') renderVolunteer(await api('/tasks'));
      else if (me.view === 'staff') renderStaff(await api('/overview'));
      else return showMessage(text('tab.error.title'), text('tab.error.noView'));
      setStatus('');
    } catch (error) {
      console.error(error);
      // A refused sign-in will not change by asking again; anything else might (a network blip).
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
    if (!auth) return showMessage(text('tab.signIn.title'), text('tab.signIn.text'));
    return load();
  }

  start();
})();
