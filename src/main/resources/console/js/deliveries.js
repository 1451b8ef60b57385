// A webhook's deliveries, newest first: filter by status and time, new ones appear as they come
// (the first page is read again every few seconds), "Load more" pages back, and "Recover" requeues
// the failed and skipped ones since a time.

import {api, seg} from './api.js';
import {MEANINGS, badge, checkbox, dl, field, h, localInputValue, replace, table, time} from './dom.js';
import {errorBox, every, notify} from './ui.js';

const STATUSES = ['pending', 'delivered', 'retrying', 'held', 'parked', 'skipped', 'failed'];
const PAGE = 25;
const LIVE_MS = 2000;

export function deliveriesSection(w) {
  const base = `/webhooks/${seg(w.$id)}/deliveries`;
  const error = errorBox();
  const status = h('select', {}, h('option', {value: ''}, 'All statuses'),
    STATUSES.map((s) => h('option', {value: s}, s)));
  const since = h('input', {type: 'datetime-local'});
  const live = checkbox('Live updates', true, null);
  const list = h('div', {}, h('p', {class: 'muted'}, 'Loading…'));
  const more = h('button', {type: 'button', class: 'secondary', hidden: true}, 'Load more');
  const announce = h('p', {class: 'visually-hidden', 'aria-live': 'polite'});

  let rows = [];
  let cursor = '';
  const sinceMs = () => (since.value ? new Date(since.value).getTime() : null);
  const query = (after) => {
    const p = new URLSearchParams({limit: String(PAGE)});
    if (status.value) p.set('status', status.value);
    if (after) p.set('cursor', after);
    return `${base}?${p}`;
  };
  // Rows older than the "since" time are left out, and paging stops there.
  const inWindow = (d) => sinceMs() === null || new Date(d.$createdAt).getTime() >= sinceMs();
  const draw = () => {
    const shown = rows.filter(inWindow);
    const older = rows.length > shown.length;
    more.hidden = !cursor || older;
    if (shown.length === 0) {
      replace(list, h('p', {}, 'No deliveries', status.value ? ` with the status ${status.value}` : '',
        sinceMs() !== null ? ' since that time' : '', '.'));
      return;
    }
    replace(list, table('Deliveries, newest first', [
      {label: 'Created', cell: (d) => h('a', {href: `#/webhooks/${seg(w.$id)}/deliveries/${seg(d.$id)}`},
        time(d.$createdAt))},
      {label: 'Event', cell: (d) => h('code', {class: 'wrap'}, d.event)},
      {label: 'Status', cell: (d) => badge(d.status)},
      {label: 'Tries', cell: (d) => String(d.attemptCount)},
      {label: 'Last answer', cell: (d) => lastAnswer(d)},
      {label: 'Next try', cell: (d) => time(d.nextRetryAt)},
    ], shown, (d) => ({dataset: {delivery: d.$id, status: d.status}})));
  };

  const reload = async () => {
    const page = await api('GET', query(''));
    rows = page.deliveries;
    cursor = page.nextCursor;
    error.show('');
    draw();
  };
  // The first page again: new deliveries go on top, known ones take their new state.
  const refresh = async () => {
    if (!live.input.checked) return;
    const page = await api('GET', query(''));
    const known = new Map(rows.map((d) => [d.$id, d]));
    const fresh = page.deliveries.filter((d) => !known.has(d.$id));
    const updated = page.deliveries.filter((d) => known.has(d.$id)
      && JSON.stringify(known.get(d.$id)) !== JSON.stringify(d));
    if (fresh.length === 0 && updated.length === 0) return;
    const byId = new Map(page.deliveries.map((d) => [d.$id, d]));
    rows = [...fresh, ...rows.map((d) => byId.get(d.$id) || d)];
    if (rows.length <= PAGE) cursor = page.nextCursor;
    draw();
    if (fresh.length) replace(announce, `${fresh.length} new ${fresh.length === 1 ? 'delivery' : 'deliveries'}.`);
  };
  more.addEventListener('click', async () => {
    try {
      const page = await api('GET', query(cursor));
      rows = rows.concat(page.deliveries);
      cursor = page.nextCursor;
      draw();
    } catch (e) {
      error.show(e.message);
    }
  });
  const apply = () => reload().catch((e) => error.show(e.message));
  status.addEventListener('change', apply);
  since.addEventListener('change', draw);

  // Recover: requeue every failed (and skipped) delivery created since a time.
  const recoverSince = h('input', {type: 'datetime-local', required: true,
    value: localInputValue(new Date(Date.now() - 24 * 3600 * 1000))});
  const recover = h('button', {type: 'button', class: 'secondary'}, 'Recover failed deliveries');
  recover.addEventListener('click', async () => {
    if (!recoverSince.value) {
      error.show('Choose the time to recover from.');
      return;
    }
    try {
      const r = await api('POST', `/webhooks/${seg(w.$id)}/recover`,
        {since: new Date(recoverSince.value).toISOString()});
      notify(`${r.requeued} ${r.requeued === 1 ? 'delivery is' : 'deliveries are'} requeued.`);
      await reload();
    } catch (e) {
      error.show(e.message);
    }
  });

  apply();
  const stop = every(LIVE_MS, refresh);
  const el = h('section', {'aria-labelledby': 'h-deliveries'}, h('h2', {id: 'h-deliveries'}, 'Deliveries'),
    h('div', {class: 'filters'}, field('Status', status), field('Created since', since), live.el),
    error, list, more, announce,
    h('div', {class: 'inline recover'}, field('Failed since', recoverSince,
      'Sends again every failed delivery created since then, and those skipped while the webhook was disabled.'),
    recover),
    h('details', {class: 'legend'}, h('summary', {}, 'What the statuses mean'),
      dl(STATUSES.map((s) => [badge(s), MEANINGS[s]]))));
  return {el, stop};
}

/** The newest try's answer: its status code, or its transport error. */
export function lastAnswer(d) {
  const t = d.attempts && d.attempts[0];
  if (!t) return h('span', {class: 'muted'}, 'no try yet');
  if (t.statusCode) return `HTTP ${t.statusCode}`;
  return h('span', {class: 'wrap'}, t.error || 'no answer');
}
