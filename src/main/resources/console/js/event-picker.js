// The event picker of the webhook form, built from the gateway's catalogue (GET /v1/catalogue):
// the catalogue's names with their descriptions, a filter, names typed by hand (with IDs), and the
// expansion of an example event, so that what a wildcard catches can be seen before saving.

import {eventCatalogue, expansion} from './api.js';
import {exampleOf, field, h, replace, uid} from './dom.js';

/** The picker's element and its chosen events (`selected()`), starting from `initial`. */
export async function eventPicker(initial) {
  const catalogue = await eventCatalogue();
  const chosen = new Set(initial);
  const boxes = new Map();

  const chosenTitle = h('p', {class: 'small-heading', id: uid('chosen')}, 'Chosen events');
  const chosenList = h('ul', {class: 'chips', 'aria-live': 'polite', 'aria-labelledby': chosenTitle.id});
  const drawChosen = () => {
    if (chosen.size === 0) {
      replace(chosenList, h('li', {class: 'muted'}, 'No event chosen yet.'));
    } else {
      replace(chosenList, [...chosen].map((name) => h('li', {},
        h('code', {}, name),
        h('button', {type: 'button', class: 'link small', 'aria-label': `Remove ${name}`,
          on: {click: () => setChosen(name, false)}}, 'Remove'))));
    }
    for (const [name, box] of boxes) box.checked = chosen.has(name);
    showMatch();
  };
  const setChosen = (name, on) => {
    if (on) chosen.add(name);
    else chosen.delete(name);
    drawChosen();
    if (on) setExample(exampleOf(name));
  };

  // The catalogue, grouped by type, in a scrolling box with a filter.
  const groups = new Map();
  for (const entry of catalogue) {
    const type = entry.event.split('.')[0];
    if (!groups.has(type)) groups.set(type, []);
    groups.get(type).push(entry);
  }
  const items = [];
  const groupEls = [...groups].map(([type, entries]) => {
    const rows = entries.map((entry) => {
      const box = h('input', {type: 'checkbox', id: uid('ev'), value: entry.event,
        on: {change: (e) => setChosen(entry.event, e.target.checked)}});
      boxes.set(entry.event, box);
      const row = h('div', {class: 'check event-row'}, box,
        h('label', {htmlFor: box.id}, h('code', {}, entry.event), h('span', {class: 'desc'}, entry.description)));
      items.push({row, text: `${entry.event} ${entry.description}`.toLowerCase()});
      return row;
    });
    const group = h('fieldset', {class: 'event-group'}, h('legend', {}, type), rows);
    group.rows = rows;
    return group;
  });
  const filter = h('input', {type: 'search', autocomplete: 'off', spellcheck: 'false'});
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const item of items) item.row.hidden = q !== '' && !item.text.includes(q);
    for (const g of groupEls) g.hidden = g.rows.every((r) => r.hidden);
  });

  // A name typed by hand, e.g. with a concrete ID: databases.main.collections.orders.documents.*.create
  const custom = h('input', {autocomplete: 'off', spellcheck: 'false', placeholder: 'databases.main.collections.*'});
  const addCustom = h('button', {type: 'button', class: 'secondary'}, 'Add event');
  const addTyped = () => {
    const name = custom.value.trim();
    if (name) {
      setChosen(name, true);
      custom.value = '';
    }
  };
  addCustom.addEventListener('click', addTyped);
  custom.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      addTyped();
    }
  });

  // The expansion of an example event, and whether the chosen events catch it.
  const example = h('input', {autocomplete: 'off', spellcheck: 'false', value: 'users.user1.update.email'});
  const expanded = h('div', {class: 'expansion', 'aria-live': 'polite'});
  let names = [];
  let timer = null;
  const showMatch = () => {
    const hit = [...chosen].filter((c) => names.includes(c));
    const verdict = expanded.querySelector('.verdict');
    if (verdict) {
      replace(verdict, hit.length
        ? `This webhook receives it (through ${hit.join(', ')}).`
        : 'None of the chosen events catches it.');
    }
  };
  const explain = async () => {
    const event = example.value.trim();
    if (!event) {
      replace(expanded);
      return;
    }
    try {
      names = await expansion(event);
      replace(expanded,
        h('p', {}, 'It expands to these ', String(names.length), ' names; a webhook receives it when one of its events'
          + ' is one of them:'),
        h('ul', {class: 'plain expansion-list'}, names.map((n) => h('li', {}, h('code', {}, n)))),
        h('p', {class: 'verdict'}));
      showMatch();
    } catch (e) {
      names = [];
      replace(expanded, h('p', {class: 'error'}, e.message));
    }
  };
  const setExample = (value) => {
    example.value = value;
    explain();
  };
  example.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(explain, 300);
  });

  const el = h('fieldset', {class: 'picker'}, h('legend', {}, 'Events'),
    h('p', {class: 'hint'}, 'Choose the events that trigger this webhook. ', h('code', {}, '*'),
      ' stands for any ID: ', h('code', {}, 'users.*.update.email'), ' is any user\'s email change, ',
      h('code', {}, 'users.user1.update.email'), ' only that user\'s. An event reaches the webhook when one of the'
      + ' names it expands to is one of the webhook\'s events.'),
    chosenTitle, chosenList,
    field('Filter the catalogue', filter, `${catalogue.length} events; type part of a name or description.`),
    h('div', {class: 'catalogue', role: 'group', 'aria-label': 'Event catalogue'}, groupEls),
    h('div', {class: 'inline'}, field('Add an event by name', custom, 'With IDs or * in place of IDs.'), addCustom),
    h('div', {class: 'example'},
      field('Example event', example, 'A concrete event name; choosing an event above puts an example of it here.'),
      expanded));
  drawChosen();
  explain();
  return {el, selected: () => [...chosen]};
}
