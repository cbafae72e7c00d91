// The assistant's page, offline-ready (bundled by scripts/build-site.sh into /pkg/offline.js).
// Registers the service worker and shows the rows kept on this phone (queue.js) in the
// server-rendered section #koade, whose data-* attributes carry its texts in the user's
// language. Without this script the page works online exactly as without it.
import { flush, items, remove } from './queue.js';

// A notice that came in the address (`?klart=rad-sparad`, app/src/api/service.rs) is said
// once: the address loses it, so a reload or a bookmark does not say it again.
const shown = new URL(location.href);
if (shown.searchParams.has('klart')) {
  shown.searchParams.delete('klart');
  history.replaceState(history.state, '', shown);
}

const panel = document.getElementById('koade');
if (panel && 'serviceWorker' in navigator && 'indexedDB' in self && self.isSecureContext) {
  start(panel);
}

function start(panel) {
  const t = panel.dataset;
  const user = t.user;
  const form = document.querySelector('form.row-form');
  const list = panel.querySelector('.queue-rows');
  const status = panel.querySelector('.queue-status');
  const sendButton = panel.querySelector('.queue-send');
  let typed = false;
  // How many rows the previous view sent before it reloaded to show them.
  const sentBefore = Number(sessionStorage.getItem('bita-sent') || 0);
  sessionStorage.removeItem('bita-sent');

  navigator.serviceWorker.register('/sw.js').catch(() => {});

  // A page shown from the phone's copy carries the keys of forms already sent: every form
  // gets a fresh key, so two rows saved offline are two rows.
  for (const input of document.querySelectorAll('input[name=idem]')) input.value = crypto.randomUUID();
  // (The form's `bita_user` field, whose rows these are, is rendered by the server outside the
  // form's island: nothing here changes the island's markup before it hydrates.)
  if (form) form.addEventListener('input', () => { typed = true; });

  const field = (name) => form && form.elements.namedItem(name);
  const kindLabel = (kind) => {
    const radio = form && form.querySelector(`input[name=kind][value="${CSS.escape(kind)}"]`);
    return (radio && radio.labels && radio.labels[0] && radio.labels[0].textContent.trim()) || kind;
  };
  const recipientName = (id) => {
    const select = field('recipient');
    const option = select && select.tagName === 'SELECT' ? [...select.options].find((o) => o.value === id) : null;
    return option ? option.textContent.trim() : '';
  };
  const summary = (p) => {
    // A planned shift confirmed or not worked: its form says which.
    if (p.has('shift')) return p.get('what') || '';
    const end = p.get('next_day') ? `${p.get('end')} (+1)` : p.get('end');
    return [`${p.get('date')} ${p.get('start')}–${end}`, kindLabel(p.get('kind') || ''), recipientName(p.get('recipient') || '')]
      .filter(Boolean)
      .join(' · ');
  };

  function button(text, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button';
    b.textContent = text;
    b.addEventListener('click', onClick);
    return b;
  }

  // A refused row's typed values go back into the form, to be corrected and saved.
  async function toForm(item) {
    const p = new URLSearchParams(item.body);
    for (const name of ['recipient', 'date', 'start', 'end']) {
      const el = field(name);
      if (el && 'value' in el) {
        el.value = p.get(name) || '';
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }
    const next = field('next_day');
    if (next) {
      next.checked = !!p.get('next_day');
      next.dispatchEvent(new Event('change', { bubbles: true }));
    }
    const kind = form && form.querySelector(`input[name=kind][value="${CSS.escape(p.get('kind') || 'aktiv')}"]`);
    if (kind) {
      kind.checked = true;
      kind.dispatchEvent(new Event('change', { bubbles: true }));
    }
    await remove(item.idem);
    await render(null, t.inForm);
    const first = field('date');
    if (first) first.focus();
  }

  async function render(result, message) {
    const rows = await items(user);
    list.replaceChildren(
      ...rows.map((item) => {
        const li = document.createElement('li');
        li.className = `queue-row ${item.state}`;
        const what = document.createElement('p');
        what.className = 'queue-what';
        what.textContent = summary(new URLSearchParams(item.body));
        const state = document.createElement('p');
        if (item.state === 'refused') {
          state.className = 'field-error';
          state.textContent = `${t.refused} ${item.errors.join(' ')}`;
          const discard = button(t.discard, async () => { await remove(item.idem); await render(); });
          // A planned shift's confirmation has no form to go back to.
          if (new URLSearchParams(item.body).has('shift')) li.append(what, state, discard);
          else li.append(what, state, button(t.toForm, () => toForm(item)), discard);
        } else {
          state.className = 'muted';
          state.textContent = t.waiting;
          li.append(what, state);
        }
        return li;
      }),
    );
    const saved = (result && result.saved) || sentBefore;
    const lines = [];
    if (message) lines.push(message);
    if (saved) lines.push(`${t.sent} ${saved}`);
    if (result && result.login) lines.push(t.login);
    else if (rows.some((i) => i.state === 'queued') && (!navigator.onLine || (result && result.offline))) lines.push(t.offline);
    status.textContent = lines.join(' ');
    sendButton.hidden = !rows.some((i) => i.state === 'queued');
    panel.hidden = rows.length === 0 && lines.length === 0;
  }

  // Rows that arrived are on the server's page: show it, unless something is being typed.
  async function after(result) {
    if (result.saved && !typed) {
      sessionStorage.setItem('bita-sent', String(result.saved));
      location.reload();
      return;
    }
    await render(result);
  }

  let sending = null;
  function send() {
    if (!sending) {
      const csrf = form && form.elements.namedItem('csrf') ? form.elements.namedItem('csrf').value : undefined;
      sending = flush({ user, csrf }).then(after).finally(() => { sending = null; });
    }
    return sending;
  }

  sendButton.addEventListener('click', send);
  window.addEventListener('online', send);
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'bita-queue') after(event.data.result);
  });
  render().then(() => (navigator.onLine ? send() : undefined));
}
