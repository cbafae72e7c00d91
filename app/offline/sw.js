// BITA's service worker (bundled with Workbox by scripts/build-site.sh into target/site/sw.js).
// - The assistant's page and the assets it loads come from the network when there is one
//   (fresh rows, a script that matches the page) and from the phone when there is none.
// - A row saved (or a planned shift confirmed) with no connection is kept on the phone
//   (queue.js) and the assistant is sent
//   to the page, which shows it as waiting; it is sent when the connection returns (Background
//   Sync here, the page's `online` event, the next page view or "Skicka nu").
// - Logging out forgets the cached pages (rows not yet sent stay, for that user only).
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { QUEUED_PATHS, SYNC_TAG, enqueue, flush } from './queue.js';

const PAGES = 'bita-pages';
const ASSETS = 'bita-assets';
// Poor signal: after this long the phone's copy is shown instead of waiting on.
const NETWORK_WAIT_S = 6;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// Only complete pages: never a redirect to the login page kept as if it were the month, nor a
// page with a one-time message ("Tiden är sparad.") to be shown again offline.
const onlyComplete = {
  cacheWillUpdate: async ({ response }) =>
    response && response.status === 200 && !response.redirected && !response.headers.has('x-bita-once') ? response : null,
};
// Offline, a month not kept on the phone shows the month that is.
const anyMonth = {
  handlerDidError: async ({ request }) => (await caches.open(PAGES)).match(request, { ignoreSearch: true }),
};

const sameSite = (url) => url.origin === self.location.origin;
registerRoute(
  ({ request, url }) => sameSite(url) && request.mode === 'navigate' && url.pathname === '/assistent',
  new NetworkFirst({ cacheName: PAGES, networkTimeoutSeconds: NETWORK_WAIT_S, plugins: [onlyComplete, anyMonth] }),
);
registerRoute(
  ({ url }) => sameSite(url) && (url.pathname.startsWith('/pkg/') || url.pathname === '/favicon.svg'),
  new NetworkFirst({ cacheName: ASSETS, networkTimeoutSeconds: NETWORK_WAIT_S, plugins: [onlyComplete] }),
);

async function notify(result) {
  for (const client of await self.clients.matchAll({ type: 'window' })) {
    client.postMessage({ type: 'bita-queue', result });
  }
}

// A row post (or a planned shift's confirmation): to the server when it can be reached;
// otherwise kept on the phone.
async function postRow(request, path) {
  const body = await request.clone().text();
  try {
    return await fetch(request);
  } catch {
    await enqueue(body, path);
    try {
      await self.registration.sync?.register(SYNC_TAG);
    } catch {
      // No Background Sync: the page sends it when it is next shown or back online.
    }
    const sent = new URLSearchParams(body);
    const month = (sent.get('date') || sent.get('manad') || '').slice(0, 7);
    const to = /^\d{4}-\d{2}$/.test(month) ? `/assistent?manad=${month}#koade` : '/assistent#koade';
    return Response.redirect(new URL(to, self.location.origin).href, 303);
  }
}

async function logout(request) {
  await caches.delete(PAGES);
  return fetch(request);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'POST' || !sameSite(url)) return;
  if (QUEUED_PATHS.includes(url.pathname)) event.respondWith(postRow(event.request, url.pathname));
  else if (url.pathname === '/logga-ut') event.respondWith(logout(event.request));
});

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    flush().then(async (result) => {
      await notify(result);
      // Still no connection: let the browser try again later.
      if (result.offline) throw new Error('offline');
    }),
  );
});
