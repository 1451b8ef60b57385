// Add or edit a webhook: name, URL, events (the picker), TLS verification, enabled, and the
// optional basic-auth username and password.

import {api, seg} from './api.js';
import {checkbox, field, h} from './dom.js';
import {eventPicker} from './event-picker.js';
import {errorBox, notify, page} from './ui.js';

export async function renderWebhookForm(main, webhookId) {
  const editing = webhookId !== null;
  const w = editing ? await api('GET', `/webhooks/${seg(webhookId)}`) : null;
  const picker = await eventPicker(w ? w.events : []);

  const id = h('input', {autocomplete: 'off', spellcheck: 'false', maxlength: '36'});
  const name = h('input', {autocomplete: 'off', required: true, maxlength: '128', value: w ? w.name : ''});
  const url = h('input', {type: 'url', autocomplete: 'off', spellcheck: 'false', required: true,
    value: w ? w.url : '', placeholder: 'https://example.com/webhooks'});
  const tls = checkbox('Verify the receiver\'s TLS certificate', w ? w.tls : true,
    'Off accepts any certificate, e.g. a self-signed one.');
  const enabled = checkbox('Enabled', w ? w.enabled : true,
    editing && !w.enabled ? 'Enabling resets its failed attempts and requeues its held and parked deliveries.' : null);
  const user = h('input', {autocomplete: 'off', maxlength: '256', value: w ? w.authUsername : ''});
  const password = h('input', {type: 'password', autocomplete: 'new-password', maxlength: '256',
    value: w ? w.authPassword : ''});
  const error = errorBox();
  const submit = h('button', {type: 'submit'}, editing ? 'Save changes' : 'Create webhook');
  const back = editing ? `#/webhooks/${seg(webhookId)}` : '#/webhooks';

  const form = h('form', {method: 'post', class: 'webhook-form'},
    editing ? null : field('Webhook ID (optional)', id, 'Leave empty for a generated ID. Up to 36 chars: a-z, A-Z,'
      + ' 0-9, period, hyphen, underscore.'),
    field('Name', name),
    field('URL', url, 'Where Hookgate POSTs each event.'),
    picker.el,
    tls.el,
    enabled.el,
    h('fieldset', {}, h('legend', {}, 'HTTP basic authentication (optional)'),
      h('p', {class: 'hint'}, 'Sent as an Authorization header when both are set.'),
      field('Username', user), field('Password', password)),
    error,
    h('div', {class: 'actions'}, submit, h('a', {href: back, class: 'button secondary'}, 'Cancel')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    const events = picker.selected();
    if (events.length === 0) {
      error.show('Choose at least one event.');
      return;
    }
    const body = {name: name.value, url: url.value.trim(), events, tls: tls.input.checked,
      enabled: enabled.input.checked, authUsername: user.value, authPassword: password.value};
    submit.disabled = true;
    try {
      if (editing) {
        await api('PUT', `/webhooks/${seg(webhookId)}`, body);
        notify(`${body.name} is saved.`);
        location.hash = back;
      } else {
        const created = await api('POST', '/webhooks', {webhookId: id.value.trim() || 'unique()', ...body});
        notify(`${created.name} is created. Its signature key is in its properties.`);
        location.hash = `#/webhooks/${seg(created.$id)}`;
      }
    } catch (err) {
      error.show(err.message);
      submit.disabled = false;
      error.scrollIntoView({block: 'nearest'});
    }
  });
  page(main, editing ? `Edit ${w.name}` : 'Add Webhook', form);
  return null;
}
