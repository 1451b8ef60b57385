// Shared pieces of the pages: page headings, notices, the confirmation dialog, copy buttons.

import {h, replace} from './dom.js';

/** Starts a page: its title, and focus on its heading so that keyboard and screen reader users start there. */
export function page(main, title, ...rest) {
  document.title = `${title} · Hookgate console`;
  const heading = h('h1', {tabindex: '-1'}, title);
  replace(main, heading, rest);
  heading.focus();
  return heading;
}

let noticeTimer = null;
/** A short message in the polite live region under the header. */
export function notify(text) {
  const el = document.getElementById('notice');
  replace(el, text);
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => replace(el), 8000);
}

/** An error box (role=alert): empty when `message` is empty. */
export function errorBox() {
  const el = h('div', {class: 'error', role: 'alert'});
  el.show = (message) => replace(el, message || '');
  return el;
}

/**
 * Asks before something that cannot be undone, in a modal <dialog> (focus stays inside, Escape
 * cancels). Answers true when confirmed.
 */
export function confirmAction(title, text, action) {
  return new Promise((resolve) => {
    const titleId = `dlg-${Date.now()}`;
    const ok = h('button', {type: 'button', class: 'danger'}, action);
    const cancel = h('button', {type: 'button', class: 'secondary'}, 'Cancel');
    const dialog = h('dialog', {'aria-labelledby': titleId},
      h('h2', {id: titleId}, title), h('p', {}, text), h('div', {class: 'actions'}, cancel, ok));
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** A button that copies `text()` to the clipboard, saying so; `label` names what it copies. */
export function copyButton(label, text) {
  const button = h('button', {type: 'button', class: 'secondary small'}, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text());
      notify('Copied to the clipboard.');
    } catch {
      notify('The browser refused the clipboard: select the text and copy it.');
    }
  });
  return button;
}

/** Runs `fn` every `ms` while the page is visible, until the returned stop function is called. */
export function every(ms, fn) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try {
        await fn();
      } catch {
        // a failed refresh is retried at the next tick
      }
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  timer = setTimeout(tick, ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
