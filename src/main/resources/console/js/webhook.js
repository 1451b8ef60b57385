// One webhook: its properties (with the signature key, hidden until revealed), its state under
// the failure policy, and its deliveries.

import {api, seg, updateWebhook} from './api.js';
import {MEANINGS, dl, exampleOf, field, h, replace, time} from './dom.js';
import {deliveriesSection} from './deliveries.js';
import {confirmAction, copyButton, errorBox, notify, page} from './ui.js';
import {deleteButton, state} from './webhooks.js';

const GRACE = [['0', 'None: the current key stops signing at once'], ['3600', '1 hour'], ['86400', '1 day'],
  ['604800', '7 days']];

export async function renderWebhook(main, webhookId) {
  let w = await api('GET', `/webhooks/${seg(webhookId)}`);
  const error = errorBox();
  const props = h('div');
  const toggle = h('button', {type: 'button', class: 'secondary'});
  const drawProps = () => {
    replace(toggle, w.enabled ? 'Disable' : 'Enable');
    replace(props, dl([
      ['ID', h('code', {}, w.$id)],
      ['URL', h('code', {class: 'wrap'}, w.url)],
      ['Events', h('ul', {class: 'plain'}, w.events.map((e) => h('li', {}, h('code', {}, e))))],
      ['TLS verification', w.tls ? 'On: the receiver\'s certificate and host name are checked' : 'Off'],
      ['Basic authentication', w.authUsername ? `User ${w.authUsername}, password ${w.authPassword ? 'set' : 'not set'}`
        : 'None'],
      ['Enabled', w.enabled ? 'Yes' : 'No'],
      ['State', h('div', {}, state(w), h('div', {class: 'small muted'}, MEANINGS[w.status] || ''))],
      ['Attempts', `${w.attempts} failed ${w.attempts === 1 ? 'try' : 'tries'} in a row`],
      ['Last failure', w.logs ? h('pre', {class: 'log'}, w.logs) : h('span', {class: 'muted'}, 'none')],
      ['Created', time(w.$createdAt)],
      ['Updated', time(w.$updatedAt)],
    ]));
  };
  toggle.addEventListener('click', async () => {
    try {
      w = await updateWebhook(w, {enabled: !w.enabled});
      notify(`${w.name} is ${w.enabled ? 'enabled' : 'disabled'}.`);
      drawProps();
    } catch (e) {
      error.show(e.message);
    }
  });
  const remove = deleteButton(w, {class: 'danger'}, error, () => {
    location.hash = '#/webhooks';
  });
  const testEvent = w.events.length ? `#/test?event=${encodeURIComponent(exampleOf(w.events[0]))}` : '#/test';
  drawProps();

  const deliveries = deliveriesSection(w);
  page(main, w.name,
    h('p', {class: 'crumbs'}, h('a', {href: '#/webhooks'}, 'Webhooks'), ' / ', w.name),
    h('div', {class: 'toolbar'},
      h('a', {href: `#/webhooks/${seg(w.$id)}/edit`, class: 'button secondary'}, 'Edit'), toggle,
      h('a', {href: testEvent, class: 'button secondary'}, 'Send a test event'), remove),
    error,
    h('section', {'aria-labelledby': 'h-props'}, h('h2', {id: 'h-props'}, 'Properties'), props),
    secretSection(w),
    deliveries.el);
  return deliveries.stop;
}

/**
 * The signature key: hidden until "Reveal" (GET /v1/webhooks/{id}/secret, logged by the gateway),
 * with copy buttons, the keys still valid from a rotation's grace period, and rotation.
 */
function secretSection(w) {
  const box = h('div', {class: 'secret', id: 'secret-box'});
  const error = errorBox();
  const reveal = h('button', {type: 'button', 'aria-expanded': 'false', 'aria-controls': 'secret-box'}, 'Reveal');
  let shown = false;
  const hide = () => {
    shown = false;
    reveal.setAttribute('aria-expanded', 'false');
    replace(reveal, 'Reveal');
    replace(box, h('p', {class: 'masked'}, h('span', {'aria-hidden': 'true'}, '••••••••••••••••'),
      h('span', {class: 'visually-hidden'}, 'The key is hidden.')));
  };
  const show = (keys) => {
    shown = true;
    reveal.setAttribute('aria-expanded', 'true');
    replace(reveal, 'Hide');
    replace(box, dl([
      ['Signature key', keyLine('signature-key', keys.secret, 'Copy key')],
      ['Standard Webhooks secret', keyLine('standard-secret', keys.standardWebhooksSecret, 'Copy secret')],
      ...keys.previousSecrets.map((p) => [h('span', {}, 'Previous key, valid until ', time(p.validUntil)),
        keyLine('previous-key', p.secret, 'Copy previous key')]),
    ]));
  };
  const fetchAndShow = async () => {
    error.show('');
    try {
      show(await api('GET', `/webhooks/${seg(w.$id)}/secret`));
    } catch (e) {
      error.show(e.message);
    }
  };
  reveal.addEventListener('click', () => (shown ? hide() : fetchAndShow()));

  const grace = h('select', {}, GRACE.map(([value, label]) => h('option', {value}, label)));
  grace.value = '3600';
  const rotate = h('button', {type: 'button', class: 'secondary'}, 'Rotate key');
  rotate.addEventListener('click', async () => {
    const seconds = Number(grace.value);
    if (!await confirmAction('Rotate the signature key?', seconds > 0
      ? `A new key signs from now on; the current one also signs the Standard Webhooks signature for ${
        grace.selectedOptions[0].textContent}.`
      : 'A new key signs from now on; receivers that check with the current key will refuse deliveries until'
        + ' they have the new one.', 'Rotate key')) {
      rotate.focus();
      return;
    }
    try {
      await api('PATCH', `/webhooks/${seg(w.$id)}/secret`, {graceSeconds: seconds});
      notify('The new key is in use.');
      await fetchAndShow();
    } catch (e) {
      error.show(e.message);
    }
  });
  hide();
  return h('section', {'aria-labelledby': 'h-secret'}, h('h2', {id: 'h-secret'}, 'Signature key'),
    h('p', {class: 'hint'}, 'Receivers check ', h('code', {}, 'X-Appwrite-Webhook-Signature'),
      ' (Base64 of HMAC-SHA1 of the URL and the body, with this key) and ', h('code', {}, 'webhook-signature'),
      ' (Standard Webhooks, with the whsec_ form). Each reveal is logged by the gateway.'),
    h('div', {class: 'toolbar'}, reveal), box, error,
    h('div', {class: 'inline'}, field('Grace period', grace,
      'How long the current key still signs webhook-signature, beside the new one.'), rotate));
}

function keyLine(cls, value, copyLabel) {
  return h('div', {class: 'key-line'}, h('code', {class: `key ${cls}`}, value), copyButton(copyLabel, () => value));
}
