// Dugnad's service worker (served by bot/web-app.ts, which puts SHELL and VERSION above this line).
// Two jobs: keep the page's shell so it opens without a network (the page then says «Ingen nett»),
// and show push notifications — redacted text made by the server (adaptive-cards/push-notice.ts) —
// that open the chat at the offer when tapped. Nothing here stores or sees anyone's personal data:
// the chat itself (/v3/directline) and every API are never cached.
/* global SHELL, VERSION */
'use strict';

const CACHE = `dugnad-shell-${VERSION}`;
const ROOT = '/';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // The page is fetched without its query so the cached copy answers any launch URL.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('dugnad-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const SHELL_PATHS = new Set(SHELL);

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    if (url.pathname !== ROOT) return;
    // Fresh from the server whenever there is one (the page carries its configuration); the kept
    // shell when there is none, whatever the query (?open=… from a notification, ?source=app).
    event.respondWith(fetch(request).catch(() => caches.match(ROOT, { ignoreSearch: true }).then((hit) => hit || Response.error())));
    return;
  }
  if (!SHELL_PATHS.has(url.pathname)) return;
  // Scripts and styles: the network first, so a new deployment shows at once; the kept copy offline.
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request).then((hit) => hit || Response.error())),
  );
});

// ---- push ------------------------------------------------------------------------------------

function readPayload(event) {
  try {
    const data = event.data ? event.data.json() : null;
    if (data && data.v === 1 && typeof data.title === 'string') return data;
  } catch {
    // not ours, or not JSON: fall through to the plain notice
  }
  return null;
}

async function visibleChat() {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.find((w) => w.visibilityState === 'visible' && w.focused) || null;
}

self.addEventListener('push', (event) => {
  const data = readPayload(event);
  event.waitUntil(
    (async () => {
      if (!data) {
        await self.registration.showNotification('Dugnad', { tag: 'dugnad', icon: '/icons/dugnad-192.png' });
        return;
      }
      // The chat is on screen and shows the message itself: a banner on top of it would only repeat it.
      const chat = await visibleChat();
      if (chat && !data.silent) {
        chat.postMessage({ type: 'dugnad.push', tag: data.tag });
        return;
      }
      await self.registration.showNotification(data.title, {
        body: data.body,
        tag: data.tag,
        lang: data.lang,
        // A correction (taken, withdrawn) replaces the old notice quietly; a new one may sound.
        renotify: !data.silent,
        silent: Boolean(data.silent),
        icon: '/icons/dugnad-192.png',
        badge: '/icons/dugnad-192.png',
        data: { url: data.url },
      });
    })(),
  );
});

/** Same-origin paths only: a notification can never send anyone elsewhere. */
function targetOf(notification) {
  const raw = notification && notification.data && typeof notification.data.url === 'string' ? notification.data.url : ROOT;
  const url = new URL(raw, self.location.origin);
  return url.origin === self.location.origin ? url.pathname + url.search : ROOT;
}

self.addEventListener('notificationclick', (event) => {
  const target = targetOf(event.notification);
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        // The chat is running: it shows the offer in its own conversation, no reload needed.
        open.postMessage({ type: 'dugnad.open', url: target });
        try {
          await open.focus();
        } catch {
          // focus is only allowed from a real tap; the page still got the message
        }
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});

// The browser replaced the subscription (keys rotated, expired): tell the server which device it was.
self.addEventListener('pushsubscriptionchange', (event) => {
  const old = event.oldSubscription;
  event.waitUntil(
    (async () => {
      if (!old) return;
      const fresh = event.newSubscription || (await self.registration.pushManager.subscribe(old.options));
      await fetch('/webchat/push/renew', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ oldEndpoint: old.endpoint, subscription: fresh.toJSON() }),
      });
    })(),
  );
});
