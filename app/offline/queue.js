// The phone's queue of rows saved without a connection, in IndexedDB (idb-keyval), shared by
// the page (page.js) and the service worker (sw.js). Each row is kept under its form's
// idempotency key: the server stores a row once per key, so sending it again after a lost
// answer can never store it twice. A row stays until the server has answered it.
import { createStore, del, get, set, values } from 'idb-keyval';

const store = createStore('bita-offline', 'rows');

/** The Background Sync tag the service worker registers when it queues a row. */
export const SYNC_TAG = 'bita-rows';

/** The posts kept on the phone: a row, and a planned shift confirmed or not worked. */
export const QUEUED_PATHS = ['/assistent/rad', '/assistent/planerat/bekrafta', '/assistent/planerat/inte'];

/**
 * Keeps a post (the form's urlencoded body, to `path`) on the phone. Returns the kept item:
 * { idem, body, path, user, at, state: 'queued' | 'refused', errors: [] }.
 */
export async function enqueue(body, path = '/assistent/rad') {
  const p = new URLSearchParams(body);
  let idem = p.get('idem') || '';
  if (idem.length < 16) {
    idem = crypto.randomUUID();
    p.set('idem', idem);
  }
  const known = await get(idem, store);
  if (known) return known; // the same form sent twice is the same row
  const item = { idem, body: p.toString(), path, user: p.get('bita_user') || '', at: Date.now(), state: 'queued', errors: [] };
  await set(idem, item, store);
  return item;
}

/** The rows one user saved on this phone, oldest first (never another user's). */
export async function items(user) {
  return (await values(store)).filter((i) => i.user === user).sort((a, b) => a.at - b.at);
}

export const remove = (idem) => del(idem, store);

function withLock(fn) {
  const locks = self.navigator && self.navigator.locks;
  return locks ? locks.request('bita-queue', fn) : fn();
}

/**
 * Sends the queued rows, oldest first, one at a time. From a page, `user` and `csrf` are the
 * page's session: only that user's rows go, with the session's current token. From the
 * service worker (no page), each row goes with the token it was saved with. Stops at the
 * first row that gets no answer (still offline) or no judgement (logged out, another
 * session): those rows stay queued. Result: { saved, refused, offline, login }.
 */
export function flush({ user, csrf } = {}) {
  return withLock(async () => {
    const result = { saved: 0, refused: 0, offline: false, login: false };
    const queued = (await values(store))
      .filter((i) => i.state === 'queued' && (user === undefined || i.user === user))
      .sort((a, b) => a.at - b.at);
    for (const item of queued) {
      const p = new URLSearchParams(item.body);
      if (csrf) p.set('csrf', csrf);
      let res;
      try {
        res = await fetch(QUEUED_PATHS.includes(item.path) ? item.path : '/assistent/rad', {
          method: 'POST',
          body: p,
          credentials: 'same-origin',
          redirect: 'manual',
          headers: { 'x-bita-queue': '1' },
        });
      } catch {
        result.offline = true;
        break;
      }
      const answer = res.status === 200 ? await res.json().catch(() => null) : null;
      if (!answer) {
        result.login = true;
        break;
      }
      if (answer.saved) {
        await del(item.idem, store);
        result.saved += 1;
      } else {
        await set(item.idem, { ...item, state: 'refused', errors: answer.errors || [] }, store);
        result.refused += 1;
      }
    }
    return result;
  });
}
