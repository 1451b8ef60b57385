// Sign in with a project ID and an API key (a project key, or the admin key).

import {api, forget, queries, remember} from './api.js';
import {field, h} from './dom.js';
import {errorBox, page} from './ui.js';

export function renderSignIn(main, done) {
  const project = h('input', {name: 'project', autocomplete: 'off', spellcheck: 'false', required: true,
    autocapitalize: 'off'});
  const key = h('input', {type: 'password', name: 'key', autocomplete: 'off', required: true});
  const error = errorBox();
  const submit = h('button', {type: 'submit'}, 'Sign in');
  // method=post: should the script ever not run, the browser would post the form to the console
  // (which answers 404) instead of putting the key into the URL of a GET.
  const form = h('form', {method: 'post', class: 'narrow'},
    field('Project ID', project),
    field('API key', key, 'A key of the project with the scopes webhooks.read and webhooks.write'
      + ' (and events.write to send test events), or the admin key. It stays in this browser tab'
      + ' until you sign out or close the tab.'),
    error,
    h('div', {class: 'actions'}, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.show('');
    const given = {projectId: project.value.trim(), key: key.value};
    if (!given.projectId || !given.key) {
      error.show('Enter the project ID and an API key.');
      return;
    }
    submit.disabled = true;
    try {
      await api('GET', `/webhooks?${queries({method: 'limit', values: [1]})}`, undefined, given);
      remember(given.projectId, given.key);
      key.value = '';
      // The page asked for (a link kept across sign-in), else the webhooks.
      if (location.hash.startsWith('#/') && location.hash !== '#/') done();
      else location.hash = '#/webhooks';
    } catch (err) {
      forget();
      error.show(`Sign-in failed: ${err.message}`);
      submit.disabled = false;
    }
  });
  page(main, 'Sign in', h('p', {}, 'Manage this project\'s webhooks and see, fix and replay their deliveries.'),
    form);
  project.focus();
  return null;
}
