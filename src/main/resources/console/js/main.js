// The console's shell: the hash router (#/webhooks, #/webhooks/<id>, ...), the header, sign-out.
// The hash names pages and webhooks only; the API key never appears in a URL.

import {forget, session} from './api.js';
import {h, replace} from './dom.js';
import {notify} from './ui.js';
import {renderSignIn} from './signin.js';
import {renderWebhooks} from './webhooks.js';
import {renderWebhookForm} from './webhook-form.js';
import {renderWebhook} from './webhook.js';
import {renderDelivery} from './delivery.js';
import {renderTestEvent} from './test-event.js';

const ROUTES = [
  [/^#\/webhooks$/, renderWebhooks],
  [/^#\/webhooks\/new$/, (main) => renderWebhookForm(main, null)],
  [/^#\/webhooks\/([^/?]+)\/edit$/, (main, [id]) => renderWebhookForm(main, id)],
  [/^#\/webhooks\/([^/?]+)\/deliveries\/([^/?]+)$/, (main, [id, deliveryId]) => renderDelivery(main, id, deliveryId)],
  [/^#\/webhooks\/([^/?]+)$/, (main, [id]) => renderWebhook(main, id)],
  [/^#\/test(?:\?(.*))?$/, (main, [query]) => renderTestEvent(main, new URLSearchParams(query || ''))],
];

let cleanup = null;

/** Renders the page the hash names; signed out, the sign-in page (which comes back here after). */
async function route() {
  const hash = location.hash;
  if (hash && !hash.startsWith('#/')) return; // in-page anchors such as the skip link
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const main = document.getElementById('main');
  const signedIn = session();
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('who').hidden = !signedIn;
  replace(document.getElementById('who-project'), signedIn ? signedIn.projectId : '');
  if (!signedIn) {
    cleanup = renderSignIn(main, () => route());
    return;
  }
  for (const [pattern, render] of ROUTES) {
    const m = hash.match(pattern);
    if (m) {
      markCurrent(hash);
      const params = m.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p)));
      try {
        cleanup = (await render(main, params)) || null;
      } catch (e) {
        replace(main, h('h1', {tabindex: '-1'}, 'Something went wrong'),
          h('p', {class: 'error', role: 'alert'}, e.message));
      }
      return;
    }
  }
  location.replace('#/webhooks');
}

function markCurrent(hash) {
  for (const a of document.querySelectorAll('#nav a')) {
    const current = hash.startsWith(a.getAttribute('href'));
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

document.getElementById('signout').addEventListener('click', () => {
  forget();
  notify('Signed out: the key is forgotten.');
  history.replaceState(null, '', '#/');
  route();
});
document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', route);
route();
