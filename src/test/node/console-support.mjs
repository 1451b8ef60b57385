// Helpers of console-e2e.mjs: checks, a programmable receiver, the gateway's API, Chromium, axe-core.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const state = { checks: 0, step: 'startup' };

export function step(name) {
  state.step = name;
  process.stderr.write(`- ${name}\n`);
}

export function ok(value, message) {
  assert.ok(value, message);
  state.checks++;
}

export function eq(actual, expected, message) {
  assert.deepEqual(actual, expected, message);
  state.checks++;
}

/** Polls `fn` until it answers a truthy value; fails with `what` after `ms`. */
export async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) {
        state.checks++;
        return last;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A receiver on 127.0.0.1 that records each request (url, headers, body) and answers with the status and body
 * it is told (200 and "ok" at first).
 */
export async function startReceiver() {
  const receiver = { requests: [], status: 200, body: 'ok' };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      receiver.requests.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(receiver.status, { 'Content-Type': 'text/plain' });
      res.end(receiver.body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = (path) => `http://127.0.0.1:${server.address().port}${path}`;
  receiver.close = () => new Promise((resolve) => server.close(resolve));
  return receiver;
}

/** The contract's Appwrite signature: Base64(HMAC-SHA1(key, URL + body)), the URL without %XX here. */
export function appwriteSignature(key, url, body) {
  return crypto.createHmac('sha1', Buffer.from(key, 'utf8')).update(Buffer.concat([Buffer.from(url, 'utf8'), body]))
    .digest('base64');
}

/** The gateway's API as the project (node's fetch; the browser's session is another matter). */
export function apiClient(base, project, key) {
  return async (method, path, body) => {
    const res = await fetch(`${base}/v1${path}`, {
      method,
      headers: { 'X-Appwrite-Project': project, 'X-Appwrite-Key': key, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** Debian's Chromium, headless, with the flags this machine needs (no background connections, no sandbox as root). */
export async function launch(executablePath) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A page that fails the walk on a script error, a CSP refusal, a dialog (an alert would mean injected
 * script ran) or a request to anywhere but the gateway.
 */
export async function watchedPage(context, base, problems) {
  const page = await context.newPage();
  const origin = new URL(base).origin;
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|404)/
      .test(m.text())) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  page.on('dialog', async (d) => {
    problems.push(`a dialog opened: ${d.type()} ${d.message()}`);
    await d.dismiss();
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(`${origin}/`) && !u.startsWith('data:')) problems.push(`a request left the gateway: ${u}`);
  });
  return page;
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const axeReport = [];

/** Runs axe-core on the page; answers the serious and critical violations (and reports the others). */
export async function axeScan(page, label) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (it refuses inline scripts).
  await page.evaluate(AXE);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  axeReport.push(`${label}: ${result.violations.length ? '' : 'no violation'}`);
  for (const v of result.violations) {
    axeReport.push(`  ${v.impact} ${v.id} (${v.nodes.length} elements): ${v.help}`);
    process.stderr.write(`  axe ${label}: ${v.impact} ${v.id} (${v.nodes.length}): ${v.help}\n`);
    if (bad.includes(v)) {
      for (const n of v.nodes.slice(0, 5)) process.stderr.write(`    ${n.target.join(' ')}: ${n.failureSummary}\n`);
    }
  }
  return bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' '))
    .slice(0, 3).join('; ')}`);
}

/** Presses Tab until the focused element's accessible name matches; only the keyboard moves. */
export async function tabTo(page, name, max = 400) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el) return '';
      const aria = el.getAttribute('aria-label');
      if (aria) return aria;
      if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
      return (el.textContent || '').trim();
    });
    if (typeof name === 'string' ? focused === name : name.test(focused)) {
      state.checks++;
      return;
    }
  }
  throw new Error(`Tab never reached "${name}"`);
}

/** Whether the focused element shows a focus indicator. */
export async function focusVisible(page) {
  return page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  });
}
