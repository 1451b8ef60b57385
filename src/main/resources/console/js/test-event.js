// Send a test event: pick an event from the catalogue, edit a JSON payload, send it through
// POST /v1/events, and watch its deliveries arrive.

import {allWebhooks, api, eventCatalogue, expansion, seg} from './api.js';
import {badge, exampleOf, field, h, replace, table} from './dom.js';
import {errorBox, every, page} from './ui.js';
import {lastAnswer} from './deliveries.js';

const SETTLED = ['delivered', 'failed', 'skipped', 'parked'];
const WATCH_MS = 120000;

export async function renderTestEvent(main, params) {
  const [catalogue, webhooks] = await Promise.all([eventCatalogue(), allWebhooks()]);
  const listId = 'event-examples';
  const examples = h('datalist', {id: listId}, catalogue.map((e) => h('option', {value: exampleOf(e.event)},
    e.description)));
  const event = h('input', {autocomplete: 'off', spellcheck: 'false', required: true, list: listId,
    value: params.get('event') || 'users.user1.update.email'});
  const userId = h('input', {autocomplete: 'off', spellcheck: 'false', maxlength: '36'});
  const payload = h('textarea', {rows: '8', spellcheck: 'false', class: 'code'});
  payload.value = JSON.stringify({$id: 'user1', name: 'Test', email: 'test@example.com'}, null, 2);
  const reach = h('div', {class: 'expansion', 'aria-live': 'polite'});
  const error = errorBox();
  const send = h('button', {type: 'submit'}, 'Send event');
  const results = h('div', {'aria-live': 'polite'});

  let receivers = [];
  let timer = null;
  const explain = async () => {
    const name = event.value.trim();
    if (!name) {
      replace(reach);
      return;
    }
    try {
      const names = await expansion(name);
      receivers = webhooks.filter((w) => w.events.some((e) => names.includes(e)));
      replace(reach,
        h('p', {}, receivers.length
          ? `Webhooks subscribed to it: ${receivers.map((w) => w.name).join(', ')}.`
          : 'No webhook of this project is subscribed to it.'),
        h('details', {}, h('summary', {}, `It expands to ${names.length} names`),
          h('ul', {class: 'plain'}, names.map((n) => h('li', {}, h('code', {}, n))))));
    } catch (e) {
      receivers = [];
      replace(reach, h('p', {class: 'error'}, e.message));
    }
  };
  event.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(explain, 300);
  });

  let stopWatching = null;
  const form = h('form', {method: 'post'},
    field('Event', event, 'A concrete event name, with IDs in place of the catalogue\'s *; the list offers an example'
      + ' of each event of the catalogue.'),
    examples, reach,
    field('User ID (optional)', userId, 'Sent to receivers as X-Appwrite-Webhook-User-Id.'),
    field('Payload (a JSON object)', payload, 'Delivered byte for byte as written here.'),
    error,
    h('div', {class: 'actions'}, send));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    let parsed;
    try {
      parsed = JSON.parse(payload.value);
    } catch (err) {
      error.show(`The payload is not valid JSON: ${err.message}`);
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      error.show('The payload must be a JSON object.');
      return;
    }
    send.disabled = true;
    try {
      await explain();
      const name = event.value.trim();
      const user = userId.value.trim();
      // The payload's text as written: the gateway keeps and delivers its bytes exactly.
      const body = `{"event":${JSON.stringify(name)},${user ? `"userId":${JSON.stringify(user)},` : ''}`
        + `"payload":${payload.value}}`;
      const accepted = await api('POST', '/events', body);
      if (stopWatching) stopWatching();
      stopWatching = watch(accepted.events[0].$id, name, [...receivers], results);
    } catch (err) {
      error.show(err.message);
    } finally {
      send.disabled = false;
    }
  });

  page(main, 'Send a test event',
    h('p', {}, 'The event goes through the gateway like any other: every webhook subscribed to it gets a delivery.'),
    form,
    h('section', {'aria-labelledby': 'h-sent'}, h('h2', {id: 'h-sent'}, 'Its deliveries'), results));
  explain();
  return () => stopWatching && stopWatching();
}

/** Shows the event's delivery to each webhook as it is made, until all have settled. */
function watch(eventId, eventName, receivers, results) {
  const found = new Map();
  const started = Date.now();
  const draw = () => {
    replace(results, h('p', {}, 'Event ', h('code', {}, eventId), ` (${eventName}) is accepted.`),
      receivers.length === 0 ? h('p', {}, 'No webhook is subscribed to it, so it makes no delivery.')
        : table('Deliveries of this event', [
          {label: 'Webhook', cell: (w) => h('a', {href: `#/webhooks/${seg(w.$id)}`}, w.name)},
          {label: 'Status', cell: (w) => (found.has(w.$id) ? badge(found.get(w.$id).status)
            : h('span', {class: 'muted'}, 'waiting'))},
          {label: 'Last answer', cell: (w) => (found.has(w.$id) ? lastAnswer(found.get(w.$id)) : '')},
          {label: 'Delivery', cell: (w) => (found.has(w.$id)
            ? h('a', {href: `#/webhooks/${seg(w.$id)}/deliveries/${seg(found.get(w.$id).$id)}`}, 'Open') : '')},
        ], receivers, (w) => ({dataset: {webhook: w.$id, status: found.has(w.$id) ? found.get(w.$id).status : ''}})));
  };
  draw();
  const stop = every(1000, async () => {
    const open = receivers.filter((w) => !found.has(w.$id) || !SETTLED.includes(found.get(w.$id).status));
    if (open.length === 0 || Date.now() - started > WATCH_MS) {
      stop();
      return;
    }
    let changed = false;
    await Promise.all(open.map(async (w) => {
      const page = await api('GET', `/webhooks/${seg(w.$id)}/deliveries?limit=25`);
      const d = page.deliveries.find((x) => x.eventId === eventId);
      if (d && JSON.stringify(d) !== JSON.stringify(found.get(w.$id))) {
        found.set(w.$id, d);
        changed = true;
      }
    }));
    if (changed) draw();
  });
  return stop;
}
