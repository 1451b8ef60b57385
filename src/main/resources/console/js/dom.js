// Building the page. Every string, and above all every string from the server, becomes a text
// node or an attribute value: nothing here parses a string as HTML, so a webhook named
// <img src=x onerror=alert(1)> shows as that text.

/**
 * An element: h('a', {href: '#/x', class: 'y', on: {click: fn}}, 'text', child, [more]).
 * Props: `class`, `on` (event listeners), `dataset`, DOM properties (value, checked, disabled,
 * hidden, htmlFor...) and, for the rest, attributes. Children: nodes, strings (as text), arrays;
 * null, undefined and false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name in PROPS) el[PROPS[name]] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

const PROPS = {value: 'value', checked: 'checked', disabled: 'disabled', hidden: 'hidden', htmlFor: 'htmlFor',
  selected: 'selected', required: 'required', textContent: 'textContent'};

/** Appends children as h() takes them. */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces an element's content. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let ids = 0;
/** A fresh element ID, for label/for and aria references. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled control: the label, the control, and an optional hint tied to it by aria-describedby. */
export function field(label, control, hint) {
  if (!control.id) control.id = uid('f');
  const parts = [h('label', {htmlFor: control.id}, label), control];
  if (hint) {
    const hintEl = h('p', {class: 'hint', id: uid('hint')}, hint);
    control.setAttribute('aria-describedby', hintEl.id);
    parts.push(hintEl);
  }
  return h('div', {class: 'field'}, parts);
}

/** A checkbox with its label after it. */
export function checkbox(label, checked, hint) {
  const input = h('input', {type: 'checkbox', id: uid('c'), checked});
  const parts = [h('div', {class: 'check'}, input, h('label', {htmlFor: input.id}, label))];
  if (hint) {
    const hintEl = h('p', {class: 'hint', id: uid('hint')}, hint);
    input.setAttribute('aria-describedby', hintEl.id);
    parts.push(hintEl);
  }
  return {input, el: h('div', {class: 'field'}, parts)};
}

/** An ISO 8601 time as a <time> in the reader's locale; '' or missing shows as a dash. */
export function time(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', {}, iso);
  return h('time', {datetime: iso, title: iso}, formatTime(d));
}

export function formatTime(d) {
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `
    + `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The value of a datetime-local input for a Date (local time, to the minute). */
export function localInputValue(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** What each delivery status and webhook state means (docs/delivery.md). */
export const MEANINGS = {
  pending: 'waiting for its first try',
  delivered: 'the receiver answered below 400',
  retrying: 'a try failed; the next waits until its next try time',
  held: "the webhook's circuit is open; it goes out when a probe succeeds, or on enabling",
  parked: 'the webhook was disabled while it was queued or retrying; enabling the webhook requeues it',
  skipped: 'the webhook was disabled when the event came; "Recover" sends it',
  failed: 'every retry failed; "Retry" or "Recover" sends it again',
  healthy: 'its last try succeeded',
  failing: 'its tries fail in a row; with its circuit open, new deliveries are held',
  disabled: 'no delivery is tried; enable it to start again',
};

/** A status as a coloured badge with its meaning as a tooltip. */
export function badge(status) {
  return h('span', {class: `badge badge-${status}`, title: MEANINGS[status] || ''}, status);
}

/**
 * A table whose rows stack as cards on narrow screens: each cell repeats its column's name.
 * columns: [{label, cell: row => node|string}]
 */
export function table(caption, columns, rows, rowProps = () => ({})) {
  return h('div', {class: 'table-wrap'},
    h('table', {class: 'cards'},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col'}, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', rowProps(r),
        columns.map((c) => h('td', {dataset: {label: c.label}}, c.cell(r))))))));
}

/** A definition list from [term, description] pairs (null pairs skipped). */
export function dl(pairs, cls = 'props') {
  return h('dl', {class: cls}, pairs.filter(Boolean).map(([term, desc]) => [h('dt', {}, term), h('dd', {}, desc)]));
}

/**
 * A concrete example of a subscription: each * becomes an ID named after the word before it
 * (users.* -> users.user1).
 */
export function exampleOf(subscription) {
  const parts = subscription.split('.');
  return parts.map((p, i) => {
    if (p !== '*') return p;
    const word = parts[i - 1] || 'id';
    return `${word.endsWith('s') ? word.slice(0, -1) : word}1`;
  }).join('.');
}

/** The first line of a webhook's last failure that says what happened (status code or client error). */
export function failureSummary(logs) {
  if (!logs) return '';
  const line = logs.split('\n').find((l) => l.startsWith('Status code:') || l.startsWith('Client Error:'));
  return line || logs.split('\n')[0];
}
