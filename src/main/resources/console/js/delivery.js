// One delivery: where it stands, its request (headers, body, both signatures) and its tries (status,
// duration, response headers and body excerpt, error), with "Retry now".

import {api, seg} from './api.js';
import {MEANINGS, badge, dl, h, replace, table, time} from './dom.js';
import {errorBox, every, notify, page} from './ui.js';

const SIGNATURES = ['X-Appwrite-Webhook-Signature', 'webhook-signature'];
const UNSETTLED = ['pending', 'retrying', 'held'];

export async function renderDelivery(main, webhookId, deliveryId) {
  const path = `/webhooks/${seg(webhookId)}/deliveries/${seg(deliveryId)}`;
  const w = await api('GET', `/webhooks/${seg(webhookId)}`);
  let d = await api('GET', path);
  const error = errorBox();
  const summary = h('div');
  const request = h('div');
  const attempts = h('div');

  const drawRequest = async () => {
    try {
      const r = await api('GET', `${path}/request`);
      replace(request,
        h('p', {}, h('code', {class: 'wrap'}, `${r.method} ${r.url}`)),
        h('p', {class: 'hint'}, 'Rebuilt from the webhook as it is now, for the second of the newest try'
          + ` (webhook-timestamp ${r.timestamp}); the gateway also sends a User-Agent.`),
        table('Request headers', [
          {label: 'Header', cell: (e) => h('code', {}, e[0])},
          {label: 'Value', cell: (e) => h('code', {class: `wrap${SIGNATURES.includes(e[0]) ? ' signature' : ''}`,
            dataset: {header: e[0]}}, e[1])},
        ], Object.entries(r.headers)),
        h('h3', {}, 'Body'),
        r.body === null ? h('p', {class: 'muted'}, 'The event\'s payload is no longer kept.')
          : h('pre', {class: 'body', tabindex: '0', 'aria-label': 'Request body'}, r.body));
    } catch (e) {
      replace(request, h('p', {class: 'error'}, e.message));
    }
  };
  const draw = () => {
    replace(summary, dl([
      ['Status', h('div', {}, badge(d.status), ' ', h('span', {class: 'muted'}, MEANINGS[d.status] || ''))],
      ['Event', h('code', {class: 'wrap'}, d.event)],
      ['Event ID', h('code', {}, d.eventId)],
      ['Webhook', h('a', {href: `#/webhooks/${seg(w.$id)}`}, w.name)],
      ['Created', time(d.$createdAt)],
      ['Updated', time(d.$updatedAt)],
      ['Tries', String(d.attemptCount)],
      ['Next try', time(d.nextRetryAt)],
      ['Expands to', h('details', {}, h('summary', {}, `${d.expansion.length} names`),
        h('ul', {class: 'plain'}, d.expansion.map((n) => h('li', {}, h('code', {}, n)))))],
    ]));
    if (d.attempts.length === 0) {
      replace(attempts, h('p', {class: 'muted'}, 'No try yet.'));
      return;
    }
    replace(attempts, d.attempts.map((t, i) => h('article', {class: 'attempt', dataset: {status: String(t.statusCode)}},
      h('h3', {}, `Try ${d.attempts.length - i}: `, time(t.$createdAt)),
      dl([
        ['Status code', t.statusCode ? String(t.statusCode) : 'no answer'],
        ['Duration', `${t.durationMs} ms`],
        t.error ? ['Error', h('span', {class: 'wrap'}, t.error)] : null,
      ]),
      Object.keys(t.responseHeaders || {}).length
        ? table('Response headers', [
          {label: 'Header', cell: (e) => h('code', {}, e[0])},
          {label: 'Value', cell: (e) => h('code', {class: 'wrap'}, e[1])},
        ], Object.entries(t.responseHeaders)) : null,
      h('h4', {}, 'Response body (first 10 000 bytes)'),
      t.responseBody ? h('pre', {class: 'body response-body', tabindex: '0', 'aria-label': 'Response body'},
        t.responseBody) : h('p', {class: 'muted'}, 'empty'))));
  };

  const retry = h('button', {type: 'button'}, 'Retry now');
  retry.addEventListener('click', async () => {
    error.show('');
    try {
      d = await api('POST', `${path}/retry`);
      notify('Sent again: its new try shows here when it ends.');
      draw();
    } catch (e) {
      error.show(e.message);
    }
  });

  draw();
  page(main, 'Delivery',
    h('p', {class: 'crumbs'}, h('a', {href: '#/webhooks'}, 'Webhooks'), ' / ',
      h('a', {href: `#/webhooks/${seg(w.$id)}`}, w.name), ' / ', h('code', {}, d.$id)),
    h('div', {class: 'toolbar'}, retry), error,
    h('section', {'aria-labelledby': 'h-summary'}, h('h2', {id: 'h-summary', class: 'visually-hidden'}, 'Summary'),
      summary),
    h('section', {'aria-labelledby': 'h-request'}, h('h2', {id: 'h-request'}, 'Request'), request),
    h('section', {'aria-labelledby': 'h-attempts'}, h('h2', {id: 'h-attempts'}, 'Tries, newest first'), attempts));
  await drawRequest();

  // Until it settles, its new tries show as they end.
  let seen = JSON.stringify(d);
  return every(1500, async () => {
    if (!UNSETTLED.includes(d.status) && d.attemptCount > 0 && seen === JSON.stringify(d)) return;
    d = await api('GET', path);
    const now = JSON.stringify(d);
    if (now !== seen) {
      seen = now;
      draw();
      drawRequest();
    }
  });
}
