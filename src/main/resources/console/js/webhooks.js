// The project's webhooks: name, URL, events, enabled, state, attempts and the last failure, with
// "Add Webhook", enable / disable, edit and delete.

import {allWebhooks, api, seg, updateWebhook} from './api.js';
import {badge, failureSummary, h, replace, table, time} from './dom.js';
import {confirmAction, errorBox, every, notify, page} from './ui.js';

const SHOWN_EVENTS = 3;

export async function renderWebhooks(main) {
  const error = errorBox();
  const list = h('div', {}, h('p', {class: 'muted'}, 'Loading…'));
  const add = h('button', {type: 'button', on: {click: () => { location.hash = '#/webhooks/new'; }}}, 'Add Webhook');
  page(main, 'Webhooks', h('div', {class: 'toolbar'}, add), error, list);

  let webhooks = [];
  const draw = () => {
    if (webhooks.length === 0) {
      replace(list, h('p', {}, 'No webhooks yet. Add one to receive this project\'s events.'));
      return;
    }
    // Redrawn in place by the refresh: keep the focused control focused.
    const focused = document.activeElement && document.activeElement.dataset.key;
    replace(list, table(`${webhooks.length} webhook${webhooks.length === 1 ? '' : 's'}`, [
      {label: 'Name', cell: (w) => h('a', {href: `#/webhooks/${seg(w.$id)}`, dataset: {key: `open-${w.$id}`}}, w.name)},
      {label: 'URL', cell: (w) => h('code', {class: 'wrap'}, w.url)},
      {label: 'Events', cell: (w) => events(w.events)},
      {label: 'Enabled', cell: (w) => (w.enabled ? 'Yes' : 'No')},
      {label: 'State', cell: (w) => state(w)},
      {label: 'Attempts', cell: (w) => String(w.attempts)},
      {label: 'Last failure', cell: (w) => lastFailure(w.logs)},
      {label: 'Actions', cell: (w) => actions(w)},
    ], webhooks));
    if (focused) {
      const again = list.querySelector(`[data-key="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  };

  const actions = (w) => {
    const toggle = h('button', {type: 'button', class: 'secondary small', dataset: {key: `toggle-${w.$id}`},
      'aria-label': `${w.enabled ? 'Disable' : 'Enable'} ${w.name}`}, w.enabled ? 'Disable' : 'Enable');
    toggle.addEventListener('click', async () => {
      try {
        await updateWebhook(w, {enabled: !w.enabled});
        notify(`${w.name} is ${w.enabled ? 'disabled' : 'enabled'}.`);
        await load();
      } catch (e) {
        error.show(e.message);
      }
    });
    const remove = deleteButton(w, {class: 'danger small', dataset: {key: `delete-${w.$id}`},
      'aria-label': `Delete ${w.name}`}, error, async () => {
      await load();
      add.focus();
    });
    const edit = h('a', {href: `#/webhooks/${seg(w.$id)}/edit`, class: 'button secondary small',
      'aria-label': `Edit ${w.name}`}, 'Edit');
    return h('div', {class: 'row-actions'}, toggle, edit, remove);
  };

  let drawn = null;
  const load = async () => {
    webhooks = await allWebhooks();
    error.show('');
    // Redrawn only when something changed: a redraw closes what the reader opened.
    const json = JSON.stringify(webhooks);
    if (json !== drawn) {
      drawn = json;
      draw();
    }
  };
  try {
    await load();
  } catch (e) {
    replace(list);
    error.show(e.message);
  }
  // States change as receivers fail and recover.
  return every(10000, load);
}

function events(names) {
  const shown = names.slice(0, SHOWN_EVENTS);
  return h('ul', {class: 'plain'}, shown.map((e) => h('li', {}, h('code', {}, e))),
    names.length > SHOWN_EVENTS ? h('li', {class: 'muted'}, `and ${names.length - SHOWN_EVENTS} more`) : null);
}

export function state(w) {
  return h('div', {}, badge(w.status || (w.enabled ? 'healthy' : 'disabled')),
    w.failingSince ? h('div', {class: 'small muted'}, 'since ', time(w.failingSince)) : null);
}

function lastFailure(logs) {
  if (!logs) return h('span', {class: 'muted'}, 'none');
  return h('details', {}, h('summary', {}, failureSummary(logs)), h('pre', {class: 'log'}, logs));
}

/**
 * A "Delete" button for a webhook: asks for confirmation, deletes it with its delivery records, then
 * runs `after`; a failure shows in `error`.
 */
export function deleteButton(w, attrs, error, after) {
  const button = h('button', {type: 'button', ...attrs}, 'Delete');
  button.addEventListener('click', async () => {
    if (!await confirmAction('Delete this webhook?',
      `"${w.name}" and its delivery records will be deleted. This cannot be undone.`, 'Delete webhook')) {
      button.focus();
      return;
    }
    try {
      await api('DELETE', `/webhooks/${seg(w.$id)}`);
      notify(`${w.name} is deleted.`);
      await after();
    } catch (e) {
      error.show(e.message);
    }
  });
  return button;
}
