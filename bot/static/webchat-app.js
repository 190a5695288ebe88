// The web chat page: the development picker (mode 'picker') or the signed-in chat (mode 'signin').
// A classic script (no bundler) loaded after Web Chat's UMD bundle, which defines window.WebChat.
(() => {
  'use strict';

  const STORAGE_KEY = 'dugnad.webchat.v1';
  const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
  // Carries the card's activity id from the card to the submit; see tagSubmitActions.
  const REPLY_TO_KEY = 'dugnad:replyToId';
  const ONLINE = 2; // DirectLineJS ConnectionStatus.Online

  const TEXT = {
    'nb-NO': {
      lang: 'nb',
      youAre: 'Du er',
      switchUser: 'Bytt bruker',
      conversation: 'Samtale',
      chooseIdentity: 'Velg hvem du er.',
      startFailed: 'Kunne ikke starte samtalen. Prøv igjen.',
      wait: 'Et øyeblikk …',
      slow: 'Ingen svar ennå. Du kan trykke igjen.',
      roles: { volunteer: 'frivillig', staff: 'ansatt', caregiver: 'pårørende', new: 'ny bruker' },
    },
    'nn-NO': {
      lang: 'nn',
      youAre: 'Du er',
      switchUser: 'Byt brukar',
      conversation: 'Samtale',
      chooseIdentity: 'Vel kven du er.',
      startFailed: 'Kunne ikkje starte samtalen. Prøv igjen.',
      wait: 'Eit augeblink …',
      slow: 'Ikkje noko svar enno. Du kan trykkje igjen.',
      roles: { volunteer: 'frivillig', staff: 'tilsett', caregiver: 'pårørande', new: 'ny brukar' },
    },
    'en-US': {
      lang: 'en',
      youAre: 'You are',
      switchUser: 'Switch user',
      conversation: 'Conversation',
      chooseIdentity: 'Choose who you are.',
      startFailed: 'Could not start the conversation. Please try again.',
      wait: 'One moment …',
      slow: 'No answer yet. You can tap again.',
      roles: { volunteer: 'volunteer', staff: 'staff', caregiver: 'family caregiver', new: 'new user' },
    },
  };

  const STYLE_OPTIONS = {
    accent: '#0b4a80',
    primaryFont: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif",
    fontSizeSmall: '85%',
    subtle: '#595959',
    timestampColor: '#595959',
    // The transcript column is narrower than this on a phone, so bubbles use the full width.
    bubbleMaxWidth: 640,
    bubbleMinWidth: 220,
    bubbleMinHeight: 48,
    bubbleBorderRadius: 12,
    bubbleBackground: '#f1f1ef',
    bubbleBorderColor: '#c8c8c4',
    bubbleTextColor: '#1a1a1a',
    bubbleFromUserBorderRadius: 12,
    bubbleFromUserBackground: '#0b4a80',
    bubbleFromUserBorderColor: '#0b4a80',
    bubbleFromUserTextColor: '#ffffff',
    paddingRegular: 12,
    sendBoxHeight: 56,
    sendBoxTextWrap: true,
    sendBoxPlaceholderColor: '#595959',
    sendBoxButtonColor: '#0b4a80',
    // Our Direct Line endpoint has no upload route.
    hideUploadButton: true,
    suggestedActionHeight: 48,
    suggestedActionLayout: 'stacked',
  };

  const config = JSON.parse(document.getElementById('dugnad-config').textContent);
  const domain = config.directLineDomain;
  const identities = config.identities;
  const mode = config.mode || 'picker';
  const SIGNED_IN_KEY = 'dugnad.webchat.signin.v1';
  const signin = document.getElementById('signin');
  const pushPublicKey = config.pushPublicKey || null;
  const appTexts = config.texts || {};
  const offline = document.getElementById('offline');
  const offlineRetry = document.getElementById('offline-retry');

  const picker = document.getElementById('picker');
  const pickerError = document.getElementById('picker-error');
  const session = document.getElementById('session');
  const who = document.getElementById('who');
  const switchUser = document.getElementById('switch-user');
  const main = document.getElementById('main');
  const chatSection = document.getElementById('chat-section');
  const chatHeading = document.getElementById('chat-heading');
  const chatElement = document.getElementById('chat');

  let directLine;
  let store;
  let chatOnline = false;

  // ---- the installable app: service worker, «Ingen nett», notifications ----------------------

  // What a tapped notification asks the chat to show: ?open=offer.<id> or ?open=series.<id>.
  const OPEN_TARGET = /^(offer|series)\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  function targetFromUrl(href) {
    try {
      const value = new URL(href, location.href).searchParams.get('open');
      return value && OPEN_TARGET.test(value) ? value : null;
    } catch {
      return null;
    }
  }
  let pendingOpen = targetFromUrl(location.href);
  // The address bar (and a reload) should not open the same offer again.
  if (location.search) history.replaceState(null, '', location.pathname);

  /** Shows the offer in the running conversation (the bot puts it at the bottom, buttons live). */
  function openTarget(target) {
    if (!target) return;
    if (!store || !chatOnline) {
      pendingOpen = target;
      return;
    }
    store.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'dugnad.open', value: { open: target } } });
  }

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch((error) => console.warn('service worker not registered', error));
    navigator.serviceWorker.addEventListener('message', (event) => {
      const data = event.data || {};
      if (data.type === 'dugnad.open' && typeof data.url === 'string') openTarget(targetFromUrl(data.url));
    });
  }

  let restartWhenOnline = false;
  function showOffline(on) {
    const words = appTexts[document.documentElement.lang] || appTexts.nb;
    if (words) {
      document.getElementById('offline-title').textContent = words.offlineTitle;
      document.getElementById('offline-text').textContent = words.offline;
      offlineRetry.textContent = words.retry;
    }
    offline.hidden = !on;
    main.classList.toggle('offline-now', on);
  }
  /** A fetch that never reached a server (no network, server gone), as opposed to a refusal. */
  function isNetworkFailure(error) {
    return !navigator.onLine || error instanceof TypeError;
  }
  function wentOffline() {
    restartWhenOnline = true;
    showOffline(true);
    offlineRetry.focus();
  }
  window.addEventListener('offline', () => showOffline(true));
  window.addEventListener('online', () => {
    if (restartWhenOnline) location.reload();
    else showOffline(false);
  });
  offlineRetry.addEventListener('click', () => location.reload());

  function isIos() {
    return /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  }
  function isStandalone() {
    return window.matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;
  }
  function keyBytes(base64url) {
    const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }
  function pushHeaders() {
    return { 'Content-Type': 'application/json', Authorization: `Bearer ${directLine.token}` };
  }

  /**
   * «Varsle meg» on this device: the browser's permission (asked within the tap, as iOS requires), a
   * push subscription, and the server told. Resolves to what came of it, for the bot to answer.
   */
  function enablePush() {
    if (!pushPublicKey || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
      return Promise.resolve(isIos() && !isStandalone() ? 'install' : 'unsupported');
    }
    const asked = Notification.permission === 'granted' ? Promise.resolve('granted') : Notification.requestPermission();
    return asked
      .then(async (permission) => {
        if (permission !== 'granted') return 'denied';
        const registration = await navigator.serviceWorker.ready;
        const subscription =
          (await registration.pushManager.getSubscription()) ||
          (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(pushPublicKey) }));
        const response = await fetch('/webchat/push/subscriptions', {
          method: 'POST',
          credentials: 'same-origin',
          headers: pushHeaders(),
          body: JSON.stringify({ subscription: subscription.toJSON() }),
        });
        return response.ok ? 'on' : 'failed';
      })
      .catch((error) => {
        console.warn('push not enabled', error);
        return 'failed';
      });
  }

  /** «Slå av varsler»: this browser forgets its subscription too (the bot removes every device's). */
  function disablePushHere() {
    if (!('serviceWorker' in navigator) || !('PushManager' in window)) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.pushManager.getSubscription())
      .then((subscription) => {
        if (!subscription) return undefined;
        return fetch('/webchat/push/unsubscribe', { method: 'POST', headers: pushHeaders(), body: JSON.stringify({ endpoint: subscription.endpoint }) })
          .catch(() => undefined)
          .then(() => subscription.unsubscribe());
      })
      .catch(() => undefined);
  }

  // ---- a tapped button answers at once ------------------------------------------------------
  // The bot's answer takes a moment (longer on a slow phone line); until it comes, the tapped card's
  // buttons are disabled and «Et øyeblikk …» says that the tap was taken, so nobody taps twice.
  const SENDING_ACTIONS = new Set(['postBack', 'messageBack', 'imBack']);
  const BUSY_GIVE_UP_MS = 20_000;
  let busy = null;

  function outermostCard(element) {
    let card = element && element.closest ? element.closest('.ac-adaptiveCard') : null;
    while (card && card.parentElement && card.parentElement.closest('.ac-adaptiveCard')) card = card.parentElement.closest('.ac-adaptiveCard');
    return card;
  }

  function showBusy(target) {
    const from = target instanceof Element ? target : document.activeElement;
    const card = outermostCard(from);
    if (!card) return;
    clearBusy();
    const buttons = [...card.querySelectorAll('button')].filter((b) => !b.disabled);
    for (const b of buttons) {
      b.disabled = true;
      b.setAttribute('aria-disabled', 'true');
    }
    const note = document.createElement('p');
    note.className = 'dugnad-wait';
    note.setAttribute('role', 'status');
    note.textContent = (TEXT[currentLocale] || TEXT['nb-NO']).wait;
    card.insertAdjacentElement('afterend', note);
    busy = { buttons, note, timer: setTimeout(giveUp, BUSY_GIVE_UP_MS) };
  }

  // No answer in time: the buttons work again, and the note says so instead of a wait that is no
  // longer true (it goes when an answer comes or at the next tap).
  function giveUp() {
    if (!busy) return;
    for (const b of busy.buttons) {
      b.disabled = false;
      b.removeAttribute('aria-disabled');
    }
    busy.buttons = [];
    busy.note.textContent = (TEXT[currentLocale] || TEXT['nb-NO']).slow;
  }

  function clearBusy() {
    if (!busy) return;
    clearTimeout(busy.timer);
    for (const b of busy.buttons) {
      b.disabled = false;
      b.removeAttribute('aria-disabled');
    }
    busy.note.remove();
    busy = null;
  }

  // ---- 24-hour clock ---------------------------------------------------------------------------
  // Web Chat formats its own timestamps (visible and screen-reader text) with a 12-hour skeleton
  // whatever the locale («kl. 4:44 a.m.»); nothing in its options changes that, so its text is
  // rewritten as it appears. Norwegian (and our English) use the 24-hour clock everywhere.
  const TWELVE_HOUR = /\b(\d{1,2})([:.])(\d{2})(?:\s|\u00a0|\u202f)?([ap])\.?\s?m\b\.?/gi;

  function to24(text) {
    return text.replace(TWELVE_HOUR, (_all, h, _sep, m, ap) => {
      let hour = Number(h) % 12;
      if (ap.toLowerCase() === 'p') hour += 12;
      return `${String(hour).padStart(2, '0')}:${m}`;
    });
  }

  function fixClock(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      const fixed = to24(node.nodeValue);
      if (fixed !== node.nodeValue) node.nodeValue = fixed;
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    for (const name of ['aria-label', 'title']) {
      const value = node.getAttribute(name);
      if (value && TWELVE_HOUR.test(value)) node.setAttribute(name, to24(value));
      TWELVE_HOUR.lastIndex = 0;
    }
    for (const child of node.childNodes) fixClock(child);
  }

  // ---- «Gjenta besøket»: the state belongs on the button ---------------------------------------
  // Adaptive Cards 3.0 marks the element an Action.ToggleVisibility shows with aria-expanded, which a
  // plain container may not carry (screen readers ignore it there); the button that controls it
  // (aria-controls) is where a screen reader looks for «utvidet» / «skjult».
  function fixToggleState(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const targets = node.matches('[aria-expanded]:not(button):not([role])') ? [node] : [];
    targets.push(...node.querySelectorAll('[aria-expanded]:not(button):not([role])'));
    for (const target of targets) {
      const expanded = target.getAttribute('aria-expanded');
      target.removeAttribute('aria-expanded');
      if (target.id) for (const b of chatElement.querySelectorAll('button[aria-controls]')) {
        if (b.getAttribute('aria-controls').split(' ').includes(target.id)) b.setAttribute('aria-expanded', expanded);
      }
    }
    const buttons = node.matches('button[aria-controls]') ? [node] : [...node.querySelectorAll('button[aria-controls]')];
    for (const b of buttons) {
      if (b.hasAttribute('aria-expanded')) continue;
      const target = document.getElementById(b.getAttribute('aria-controls').split(' ')[0]);
      if (target) b.setAttribute('aria-expanded', String(target.style.display !== 'none'));
    }
  }

  function fixNode(node) {
    fixClock(node);
    fixToggleState(node);
  }

  /** Keeps Web Chat's own text on a 24-hour clock and toggle buttons' state where it belongs. */
  function watchChat(root) {
    fixNode(root);
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'childList') r.addedNodes.forEach(fixNode);
        else if (r.type === 'attributes' && r.attributeName === 'aria-expanded') fixToggleState(r.target);
        else fixClock(r.target);
      }
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-label', 'title', 'aria-expanded'] });
  }

  // The notification buttons are ordinary card submits; the permission prompt must come from the tap.
  const cardActionMiddleware = () => (next) => (...args) => {
    const cardAction = args[0] && args[0].cardAction;
    if (cardAction && SENDING_ACTIONS.has(cardAction.type)) showBusy(args[0].target);
    const value = cardAction && cardAction.type === 'postBack' ? cardAction.value : null;
    if (value && typeof value === 'object' && value.action === 'push.enable' && !value.result) {
      enablePush().then((result) => next({ ...args[0], cardAction: { ...cardAction, value: { ...value, result } } }));
      return undefined;
    }
    if (value && typeof value === 'object' && value.action === 'push.disable') disablePushHere();
    return next(...args);
  };

  // ---- what a link asks the chat to do -------------------------------------------------------
  // An invitation (#invitasjon=CODE) or a calendar event's link (#vis=oppdrag). The fragment never
  // reaches a server; it is kept for this tab (sign-in leaves the page and comes back) and taken off
  // the address, so a reload or a bookmark does not use it again.
  const PENDING_KEY = 'dugnad.webchat.pending.v1';
  const SHOW_ACTIONS = { oppdrag: 'tasks.mine', foresporsler: 'staff.requests.list' };

  function takeLinkRequest() {
    const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
    let pending = null;
    const code = hash.get('invitasjon');
    const show = hash.get('vis');
    if (code && /^[0-9A-Za-z-]{12,20}$/.test(code)) pending = { action: 'invitation.accept', code };
    else if (show && SHOW_ACTIONS[show]) pending = { action: SHOW_ACTIONS[show] };
    if (!pending) return;
    try {
      sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    } catch {
      // private mode: the request is lost with the page, and the person can open the link again
    }
    history.replaceState(null, '', location.pathname + location.search);
  }

  function pendingRequest() {
    try {
      return JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
    } catch {
      return null;
    }
  }

  function showInvitationNote() {
    const note = document.getElementById('invitation-note');
    const pending = pendingRequest();
    if (note && pending && pending.action === 'invitation.accept') {
      note.textContent = config.invitationNote;
      note.hidden = false;
    }
  }

  /** Once the chat is online, says to the bot what the link asked for — once. */
  function sendPendingRequest(user) {
    const pending = pendingRequest();
    if (!pending || !directLine) return;
    try {
      sessionStorage.removeItem(PENDING_KEY);
    } catch {
      // see takeLinkRequest
    }
    directLine
      .postActivity({ type: 'message', from: { id: user.id, name: user.name }, value: pending, channelData: { postBack: true } })
      .subscribe({ error: (error) => console.error(error) });
  }

  takeLinkRequest();
  showInvitationNote();

  function loadChoice() {
    try {
      const choice = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
      if (choice && identities.some((i) => i.id === choice.identityId) && TEXT[choice.locale]) return choice;
    } catch {
      // unreadable or blocked storage: fall through to the picker
    }
    return null;
  }

  // Per tab (sessionStorage), so three tabs can be three people; the last choice also per browser
  // (localStorage), so the tab page opened in a new browser tab finds who was picked (bot/static/tab.js).
  function saveChoice(choice) {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
      localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
    } catch {
      // private mode may refuse storage; the chat still works, only a reload forgets the choice
    }
  }

  function clearChoice() {
    try {
      sessionStorage.removeItem(STORAGE_KEY);
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      // see saveChoice
    }
  }

  function tokenClaims(token) {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(payload));
    } catch {
      return {};
    }
  }

  function tokenExpiresAt(token) {
    const exp = tokenClaims(token).exp;
    return typeof exp === 'number' ? exp * 1000 : Infinity;
  }

  // Web Chat 4.18 sends an Action.Submit without replyToId, unlike Teams. The bot updates a card
  // in place using the submit's replyToId, so we stamp the card's activity id into each submit's
  // data here, and lift it back out into replyToId in the store middleware below.
  function tagSubmitActions(node, activityId) {
    if (Array.isArray(node)) return node.map((item) => tagSubmitActions(item, activityId));
    if (!node || typeof node !== 'object') return node;
    const copy = {};
    for (const [key, value] of Object.entries(node)) copy[key] = tagSubmitActions(value, activityId);
    const data = copy.data;
    if (copy.type === 'Action.Submit' && data && typeof data === 'object' && !Array.isArray(data)) {
      copy.data = { ...data, [REPLY_TO_KEY]: activityId };
    }
    return copy;
  }

  // Keyed by the attachment object so a card is tagged once and keeps its identity across renders
  // (a new object every render would rebuild the card and lose what the user typed into it).
  const taggedAttachments = new WeakMap();

  const attachmentMiddleware = () => (next) => (props, ...rest) => {
    const activity = props && props.activity;
    const attachment = props && props.attachment;
    if (
      !activity ||
      !activity.id ||
      !attachment ||
      attachment.contentType !== ADAPTIVE_CARD ||
      !attachment.content ||
      typeof attachment.content !== 'object'
    ) {
      return next(props, ...rest);
    }
    let tagged = taggedAttachments.get(attachment);
    if (!tagged) {
      tagged = { ...attachment, content: tagSubmitActions(attachment.content, activity.id) };
      taggedAttachments.set(attachment, tagged);
    }
    return next({ ...props, attachment: tagged }, ...rest);
  };

  const storeMiddleware = () => (next) => (action) => {
    // The bot answered (or the send failed): the tapped card may be used again.
    if (action && (action.type === 'DIRECT_LINE/POST_ACTIVITY_REJECTED' || (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY' && action.payload && action.payload.activity && action.payload.activity.from && action.payload.activity.from.role === 'bot'))) {
      setTimeout(clearBusy, 0);
    }
    const activity = action && action.type === 'DIRECT_LINE/POST_ACTIVITY' && action.payload && action.payload.activity;
    const value = activity && activity.value;
    if (value && typeof value === 'object' && typeof value[REPLY_TO_KEY] === 'string') {
      const { [REPLY_TO_KEY]: replyToId, ...rest } = value;
      return next({
        ...action,
        payload: { ...action.payload, activity: { ...activity, replyToId: activity.replyToId || replyToId, value: rest } },
      });
    }
    return next(action);
  };

  let currentLocale = 'nb-NO';

  function applyLanguage(locale) {
    const text = TEXT[locale];
    currentLocale = locale;
    document.documentElement.lang = text.lang;
    if (switchUser) switchUser.textContent = text.switchUser;
    chatHeading.textContent = text.conversation;
    return text;
  }

  function focusSendBox() {
    let tries = 0;
    const attempt = () => {
      const input = chatElement.querySelector('[data-id="webchat-sendbox-input"]');
      if (input) input.focus();
      else if (++tries < 50) setTimeout(attempt, 100);
    };
    attempt();
  }

  function showPicker(message) {
    document.documentElement.lang = 'nb';
    session.hidden = true;
    chatSection.hidden = true;
    main.classList.remove('chat-open');
    picker.hidden = false;
    pickerError.textContent = message || '';
  }

  async function startChat(choice) {
    const identity = identities.find((i) => i.id === choice.identityId);
    const text = applyLanguage(choice.locale);

    // «Kari Nordmann · ansatt»: one line on a phone; the full sentence for screen readers.
    who.textContent = `${identity.name} · ${text.roles[identity.role]}`;
    who.setAttribute('aria-label', `${text.youAre} ${identity.name} (${text.roles[identity.role]})`);
    picker.hidden = true;
    session.hidden = false;
    chatSection.hidden = false;
    main.classList.add('chat-open');

    const response = await requestToken({
      user: { id: identity.id, name: identity.name },
      ...(choice.conversationId ? { conversationId: choice.conversationId } : {}),
    });
    if (!response.ok) throw new Error(`token request failed: ${response.status}`);
    openChat(await withConversation(await response.json(), choice.locale), choice.locale, { id: identity.id, name: identity.name }, (conversationId) =>
      saveChoice({ ...choice, conversationId }),
    );
  }

  /**
   * A token for a live conversation is used as it is (the page was reloaded). Otherwise the page starts
   * the conversation itself, so the bot's greeting can already show the offer a notification was for.
   */
  async function withConversation(body, locale) {
    if (body.conversationId) return body;
    const response = await fetch(`${domain}/conversations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${body.token}` },
      body: JSON.stringify({ locale, ...(pendingOpen ? { open: pendingOpen } : {}) }),
    });
    if (!response.ok) throw new Error(`conversation start failed: ${response.status}`);
    pendingOpen = null;
    return response.json();
  }

  function requestToken(body) {
    // Same origin, so the sign-in session cookie (HttpOnly) goes along; the page never sees it.
    return fetch(`${domain}/tokens/generate`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  function openChat({ token, conversationId }, locale, user, remember) {
    // With a conversationId DirectLineJS resumes that conversation and replays its history;
    // without one it starts a new conversation and the bot greets.
    directLine = window.WebChat.createDirectLine({
      token,
      conversationId,
      domain,
      webSocket: false,
      pollingInterval: 500,
      conversationStartProperties: { locale },
    });
    store = window.WebChat.createStore({}, storeMiddleware);
    let online = false;
    directLine.connectionStatus$.subscribe({
      next(status) {
        chatOnline = status === ONLINE;
        if (status === ONLINE && directLine.conversationId) remember(directLine.conversationId);
        if (status === ONLINE && !online) {
          online = true;
          // An invitation link's code, posted once the conversation is up.
          sendPendingRequest(user);
        }
        if (status === ONLINE && pendingOpen) {
          const target = pendingOpen;
          pendingOpen = null;
          openTarget(target);
        }
      },
    });

    window.WebChat.renderWebChat(
      {
        directLine,
        store,
        cardActionMiddleware,
        userID: user.id,
        username: user.name,
        locale,
        // Web Chat has no nynorsk: its own words come from the page (adaptive-cards/locales/webchat-nn.json).
        ...(config.webChatStrings && config.webChatStrings[locale] ? { overrideLocalizedStrings: config.webChatStrings[locale] } : {}),
        styleOptions: STYLE_OPTIONS,
        attachmentMiddleware,
      },
      chatElement,
    );
    watchChat(chatElement);
    focusSendBox();
  }

  // ---- signed-in mode ------------------------------------------------------------------------

  function showSignIn(message) {
    session.hidden = true;
    chatSection.hidden = true;
    main.classList.remove('chat-open');
    signin.hidden = false;
    pickerError.textContent = message || '';
  }

  async function startSignedIn() {
    let stored = null;
    try {
      stored = JSON.parse(sessionStorage.getItem(SIGNED_IN_KEY) || 'null');
    } catch {
      // unreadable storage: start a new conversation
    }
    const response = await requestToken(stored && stored.conversationId ? { conversationId: stored.conversationId } : {});
    if (response.status === 401) return showSignIn();
    if (!response.ok) throw new Error(`token request failed: ${response.status}`);
    const body = await response.json();
    signin.hidden = true;
    session.hidden = false;
    chatSection.hidden = false;
    main.classList.add('chat-open');
    // The user id is the server's (bound into the token); Web Chat needs it to tell our messages apart.
    const userId = tokenClaims(body.token).sub;
    // The server knows the person's language (chosen, or their centre's); Web Chat's words follow it.
    const locale = TEXT[body.locale] ? body.locale : 'nb-NO';
    applyLanguage(locale);
    openChat(await withConversation(body, locale), locale, { id: userId, name: '' }, (conversationId) => {
      try {
        sessionStorage.setItem(SIGNED_IN_KEY, JSON.stringify({ conversationId }));
      } catch {
        // private mode: a reload starts a new conversation
      }
    });
  }

  if (mode === 'signin') {
    pickerError.tabIndex = -1;
    document.getElementById('logout').addEventListener('click', () => {
      try {
        sessionStorage.removeItem(SIGNED_IN_KEY);
      } catch {
        // nothing stored
      }
      if (directLine) directLine.end();
    });
    startSignedIn().catch((error) => {
      if (isNetworkFailure(error)) return wentOffline();
      console.error(error);
      showSignIn(config.chatFailed);
    });
    return;
  }

  // Leaving the page aborts a token request still on its way. That is no failed start: the choice
  // must survive it, or the next page (the tab, a reload) no longer knows who was picked.
  let leaving = false;
  window.addEventListener('beforeunload', () => {
    leaving = true;
  });
  window.addEventListener('pagehide', () => {
    leaving = true;
  });
  window.addEventListener('pageshow', () => {
    leaving = false;
  });

  function start(choice) {
    startChat(choice).catch((error) => {
      if (leaving) return;
      // No network: keep who was picked, say so, and start again when the network is back.
      if (isNetworkFailure(error)) return wentOffline();
      console.error(error);
      clearChoice();
      showPicker(TEXT['nb-NO'].startFailed);
      pickerError.focus();
    });
  }

  picker.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(picker);
    const identityId = data.get('identity');
    const locale = data.get('locale') || 'nb-NO';
    if (!identityId) {
      pickerError.textContent = TEXT['nb-NO'].chooseIdentity;
      const first = picker.querySelector('input[name="identity"]');
      if (first) first.focus();
      return;
    }
    const choice = { identityId: String(identityId), locale: String(locale) };
    saveChoice(choice);
    start(choice);
  });

  switchUser.addEventListener('click', () => {
    clearChoice();
    if (directLine) directLine.end();
    location.reload();
  });

  // A phone suspends the tab's timers, so DirectLineJS misses its token refresh; once the token
  // has run out, polling stops for good. Reloading rejoins the same conversation with a new token.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || !directLine || !directLine.token) return;
    if (tokenExpiresAt(directLine.token) - 60_000 < Date.now()) location.reload();
  });

  pickerError.tabIndex = -1;
  const stored = loadChoice();
  if (stored) start(stored);
  else showPicker();
})();
