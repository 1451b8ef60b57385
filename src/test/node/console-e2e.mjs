#!/usr/bin/env node
// The console in a real browser: Debian's Chromium, headless, driven by playwright-core.
//
// Environment:
//   HOOKGATE_BASE         the gateway's API port, e.g. http://127.0.0.1:8080 (required)
//   HOOKGATE_PROJECT      a project ID (required)
//   HOOKGATE_KEY          a key of it with webhooks.read, webhooks.write and events.write (required)
//   HOOKGATE_SCREENSHOTS  where the screenshots go, e.g. target/console (required)
//   CHROMIUM              the browser, default /usr/bin/chromium
//   HOOKGATE_TIMEOUT_MS   overall watchdog, default 150000
//
// Walks: the end-to-end walk (sign in, create, test event, failure, retry, signature key, rotation,
// disable, delete, sign out), the XSS case, a keyboard-only walk, a phone-sized screen, and an
// axe-core scan of each page. Success: {"ok":true,"checks":N} on stdout, exit 0. Failure: the step
// and the error on stderr, {"ok":false,...} on stdout, exit 1.

import fs from 'node:fs';
import path from 'node:path';
import {
  apiClient, appwriteSignature, axeReport, axeScan, eq, focusVisible, launch, ok, startReceiver, state, step, tabTo,
  until, watchedPage,
} from './console-support.mjs';

const BASE = required('HOOKGATE_BASE');
const PROJECT = required('HOOKGATE_PROJECT');
const KEY = required('HOOKGATE_KEY');
const SHOTS = required('HOOKGATE_SCREENSHOTS');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.HOOKGATE_TIMEOUT_MS || 150000);
const XSS = '<img src=x onerror=alert(1)>';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

function required(name) {
  const v = process.env[name];
  if (!v) {
    process.stderr.write(`${name} is required\n`);
    process.exit(2);
  }
  return v;
}

const api = apiClient(BASE, PROJECT, KEY);
const problems = [];
const axeFindings = [];
let browser;
let receiver;

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function scan(page, label) {
  axeFindings.push(...await axeScan(page, label));
}

const h1 = (page, name) => page.getByRole('heading', { level: 1, name, exact: true }).waitFor();

async function signIn(page) {
  await page.goto(`${BASE}/console/`);
  await h1(page, 'Sign in');
  await page.getByLabel('Project ID', { exact: true }).fill(PROJECT);
  await page.getByLabel('API key', { exact: true }).fill(KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await h1(page, 'Webhooks');
}

/** Sends a test event from the console's page; answers when the webhook's delivery has `status`. */
async function sendTestEvent(page, payload, status) {
  await page.locator('#nav-test').click();
  await h1(page, 'Send a test event');
  await page.getByLabel('Event', { exact: true }).fill('users.user1.update.email');
  await page.getByText('Webhooks subscribed to it: orders receiver.').waitFor();
  await page.getByLabel('Payload (a JSON object)').fill(payload);
  await page.getByRole('button', { name: 'Send event' }).click();
  await page.locator(`tr[data-webhook="orders"][data-status="${status}"]`).waitFor({ timeout: 15000 });
}

async function mainWalk() {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await watchedPage(context, BASE, problems);
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));

  step('sign in');
  await page.goto(`${BASE}/console/`);
  await h1(page, 'Sign in');
  await scan(page, 'sign in');
  await shot(page, '01-sign-in');
  await page.getByLabel('Project ID', { exact: true }).fill(PROJECT);
  await page.getByLabel('API key', { exact: true }).fill('not-the-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(/^Sign-in failed: /).waitFor();
  eq(await page.evaluate(() => sessionStorage.length), 0, 'a refused key is not kept');
  await page.getByLabel('API key', { exact: true }).fill(KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await h1(page, 'Webhooks');
  await page.getByText('No webhooks yet.', { exact: false }).waitFor();
  ok(!page.url().includes(KEY), 'the key is not in the URL');
  eq(await page.evaluate(() => document.cookie), '', 'no cookie');
  ok((await page.evaluate(() => JSON.stringify(sessionStorage))).includes(KEY), 'the key is in sessionStorage');

  step('create a webhook');
  await page.getByRole('button', { name: 'Add Webhook' }).click();
  await h1(page, 'Add Webhook');
  await page.getByLabel('Webhook ID (optional)').fill('orders');
  await page.getByLabel('Name', { exact: true }).fill('orders receiver');
  await page.getByLabel('URL', { exact: true }).fill(receiver.url('/hooks'));
  await page.getByLabel('Filter the catalogue').fill('update.email');
  ok(await page.locator('input[type=checkbox][value="users.*.create"]').isHidden(), 'the filter hides the rest');
  await page.locator('input[type=checkbox][value="users.*.update.email"]').check();
  eq(await page.getByLabel('Example event').inputValue(), 'users.user1.update.email', 'an example of the chosen event');
  await page.getByText('This webhook receives it (through users.*.update.email).').waitFor();
  ok(await page.locator('.expansion-list li').filter({ hasText: /^users\.\*\.update\.email$/ }).count() === 1,
    'the expansion of the example is shown');
  await page.getByLabel('Example event').fill('users.user1.update.name');
  await page.getByText('None of the chosen events catches it.').waitFor();
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password', { exact: true }).fill('s3cret');
  await scan(page, 'add webhook');
  await shot(page, '03-add-webhook');
  await page.getByRole('button', { name: 'Create webhook' }).click();
  await h1(page, 'orders receiver');
  const created = await api('GET', '/webhooks/orders');
  eq([created.events, created.authUsername, created.url], [['users.*.update.email'], 'alice', receiver.url('/hooks')],
    'the webhook as created');

  step('send a test event and see it delivered');
  const first = '{"hello":"console","n":1}';
  await sendTestEvent(page, first, 'delivered');
  eq(receiver.requests.length, 1, 'one request');
  eq(receiver.requests[0].body.toString('utf8'), first, 'the payload byte for byte');
  eq(receiver.requests[0].headers.authorization, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`,
    'basic auth');
  await scan(page, 'test event');
  await shot(page, '05-test-event');

  step('the receiver fails: the failure with its response body');
  receiver.status = 503;
  receiver.body = `down for maintenance ${XSS}`;
  await sendTestEvent(page, '{"hello":"console","n":2}', 'retrying');
  await page.locator('tr[data-webhook="orders"]').getByRole('link', { name: 'Open' }).click();
  await h1(page, 'Delivery');
  await page.locator('article.attempt[data-status="503"]').waitFor();
  eq(await page.locator('.response-body').first().textContent(), `down for maintenance ${XSS}`,
    'the response body, as text');
  eq(await page.locator('main img').count(), 0, 'no element made of the response');
  await page.locator('code[data-header="X-Appwrite-Webhook-Signature"]').waitFor();
  eq(await page.locator('code[data-header="X-Appwrite-Webhook-Signature"]').textContent(),
    receiver.requests[1].headers['x-appwrite-webhook-signature'], 'the request view shows the signature sent');
  eq(await page.locator('code[data-header="webhook-id"]').textContent(), receiver.requests[1].headers['webhook-id'],
    'and the webhook-id');
  await scan(page, 'delivery');
  await shot(page, '06-delivery-failed');

  step('retry it after the receiver recovers');
  receiver.status = 200;
  receiver.body = 'ok';
  await page.getByRole('button', { name: 'Retry now' }).click();
  await page.locator('dl.props .badge-delivered').waitFor({ timeout: 15000 });
  await until('the second try shows', async () => (await page.locator('article.attempt').count()) === 2);
  eq(await page.locator('article.attempt').first().getAttribute('data-status'), '200', 'the newest try is a 200');
  eq(receiver.requests.length, 3, 'the retry reached the receiver');
  eq(receiver.requests[2].headers['webhook-id'], receiver.requests[1].headers['webhook-id'], 'under the same id');
  await shot(page, '07-delivery-retried');

  step('the webhook: deliveries, filters, recover');
  await page.locator('.crumbs').getByRole('link', { name: 'orders receiver', exact: true }).click();
  await h1(page, 'orders receiver');
  await until('both deliveries are listed', async () => (await page.locator('tr[data-delivery]').count()) === 2);
  await page.getByLabel('Status', { exact: true }).selectOption('retrying');
  await page.getByText('No deliveries with the status retrying.').waitFor();
  await page.getByLabel('Status', { exact: true }).selectOption('delivered');
  await until('the delivered ones', async () => (await page.locator('tr[data-status="delivered"]').count()) === 2);
  await page.getByLabel('Status', { exact: true }).selectOption('');
  await page.getByRole('button', { name: 'Recover failed deliveries' }).click();
  await page.getByText('0 deliveries are requeued.').waitFor();

  step('reveal the signature key and check the deliveries with it');
  ok(await page.locator('code.signature-key').count() === 0, 'the key is hidden at first');
  await page.getByRole('button', { name: 'Reveal' }).click();
  const key = (await page.locator('code.signature-key').textContent()).trim();
  ok(/^[0-9a-f]{128}$/.test(key), 'a generated key');
  for (const r of receiver.requests) {
    eq(appwriteSignature(key, receiver.url('/hooks'), r.body), r.headers['x-appwrite-webhook-signature'],
      'X-Appwrite-Webhook-Signature checks with the revealed key');
  }
  eq(await page.locator('code.standard-secret').textContent(), `whsec_${Buffer.from(key).toString('base64')}`,
    'the Standard Webhooks form');
  await scan(page, 'webhook');
  await shot(page, '04-webhook');

  step('rotate it with a grace period and see the new one');
  await page.getByLabel('Grace period').selectOption('3600');
  await page.getByRole('button', { name: 'Rotate key' }).click();
  await page.locator('dialog').getByRole('button', { name: 'Rotate key' }).click();
  const next = await until('the new key', async () => {
    const text = (await page.locator('code.signature-key').textContent()).trim();
    return text !== key ? text : null;
  });
  eq((await page.locator('code.previous-key').textContent()).trim(), key, 'the previous key, still valid');
  await sendTestEvent(page, '{"hello":"console","n":3}', 'delivered');
  const last = receiver.requests[receiver.requests.length - 1];
  eq(appwriteSignature(next, receiver.url('/hooks'), last.body), last.headers['x-appwrite-webhook-signature'],
    'the new key signs');
  eq(last.headers['webhook-signature'].split(' ').length, 2, 'both keys sign webhook-signature in the grace period');

  step('the list: enable, disable, delete with confirmation');
  await api('POST', '/webhooks', { webhookId: 'temp', name: 'temp', url: receiver.url('/temp'), events: ['users.*'] });
  await page.locator('#nav-webhooks').click();
  await h1(page, 'Webhooks');
  await page.getByRole('link', { name: 'temp', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Disable orders receiver' }).click();
  await page.getByRole('button', { name: 'Enable orders receiver' }).waitFor();
  ok(await page.locator('.badge-disabled').count() === 1, 'disabled shows');
  await scan(page, 'webhooks');
  await shot(page, '02-webhooks');
  await page.getByRole('button', { name: 'Enable orders receiver' }).click();
  await page.getByRole('button', { name: 'Disable orders receiver' }).waitFor();
  await page.getByRole('button', { name: 'Delete temp' }).click();
  await page.locator('dialog').getByRole('button', { name: 'Cancel' }).click();
  ok(await page.getByRole('link', { name: 'temp', exact: true }).isVisible(), 'cancel keeps it');
  await page.getByRole('button', { name: 'Delete temp' }).click();
  await page.locator('dialog').getByRole('button', { name: 'Delete webhook' }).click();
  await page.getByRole('link', { name: 'temp', exact: true }).waitFor({ state: 'detached' });
  eq((await api('GET', '/webhooks')).webhooks.map((w) => w.$id), ['orders'], 'temp is deleted');

  step('sign out');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await h1(page, 'Sign in');
  eq(await page.evaluate(() => sessionStorage.length), 0, 'the key is forgotten');
  ok(requested.every((u) => !u.includes(KEY) && !u.includes(key) && !u.includes(next)),
    'no request URL carries a key');
  await context.close();
}

async function xssWalk() {
  step('a webhook named like markup shows as text');
  await api('POST', '/webhooks', { webhookId: 'xss', name: XSS, url: receiver.url('/xss'), events: ['teams.*'] });
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await watchedPage(context, BASE, problems);
  await signIn(page);
  await page.getByText(XSS, { exact: true }).waitFor();
  eq(await page.locator('img').count(), 0, 'no img element on the list');
  await page.getByRole('link', { name: XSS, exact: true }).click();
  await h1(page, XSS);
  eq(await page.locator('img').count(), 0, 'no img element on its page');
  eq(await page.title(), `${XSS} · Hookgate console`, 'the title is text too');
  await page.locator('#nav-test').click();
  await h1(page, 'Send a test event');
  await page.getByLabel('Event', { exact: true }).fill('teams.t1.create');
  await page.getByText(`Webhooks subscribed to it: ${XSS}.`).waitFor();
  eq(await page.locator('img').count(), 0, 'no img element on the test page');
  await api('DELETE', '/webhooks/xss');
  await context.close();
}

async function keyboardWalk() {
  step('keyboard only: sign in and create a webhook');
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await watchedPage(context, BASE, problems);
  await page.goto(`${BASE}/console/`);
  await h1(page, 'Sign in');
  await tabTo(page, 'Project ID');
  await page.keyboard.type(PROJECT);
  await tabTo(page, 'API key');
  await page.keyboard.type(KEY);
  await page.keyboard.press('Enter');
  await h1(page, 'Webhooks');
  await tabTo(page, 'Add Webhook');
  ok(await focusVisible(page), 'the focused button shows it');
  await page.keyboard.press('Enter');
  await h1(page, 'Add Webhook');
  await tabTo(page, 'Webhook ID (optional)');
  await page.keyboard.type('keys');
  await tabTo(page, 'Name');
  ok(await focusVisible(page), 'the focused field shows it');
  await page.keyboard.type('keyboard walk');
  await tabTo(page, 'URL');
  await page.keyboard.type(receiver.url('/keys'));
  await tabTo(page, 'Filter the catalogue');
  await page.keyboard.type('users.*.create');
  await tabTo(page, /^users\.\*\.create/);
  ok(await focusVisible(page), 'the focused checkbox shows it');
  await page.keyboard.press('Space');
  await tabTo(page, 'Create webhook');
  await page.keyboard.press('Enter');
  await h1(page, 'keyboard walk');
  eq((await api('GET', '/webhooks/keys')).events, ['users.*.create'], 'created from the keyboard');

  step('keyboard only: delete, Escape cancels');
  await tabTo(page, 'Webhooks');
  await page.keyboard.press('Enter');
  await h1(page, 'Webhooks');
  await tabTo(page, 'Delete keyboard walk');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('dialog').waitFor({ state: 'detached' });
  eq(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Delete keyboard walk',
    'focus returns to the button');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'keyboard walk', exact: true }).waitFor({ state: 'detached' });
  await context.close();
}

async function phoneWalk() {
  step('a phone-sized screen');
  const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  const page = await watchedPage(context, BASE, problems);
  const noSideScroll = async (what) => ok(await page.evaluate(
    () => document.documentElement.scrollWidth <= window.innerWidth), `${what}: no horizontal scrolling`);
  await signIn(page);
  await page.getByRole('link', { name: 'orders receiver', exact: true }).waitFor();
  await noSideScroll('webhooks');
  await scan(page, 'phone webhooks');
  await shot(page, 'phone-webhooks');
  await page.getByRole('link', { name: 'orders receiver', exact: true }).click();
  await h1(page, 'orders receiver');
  await until('deliveries', async () => (await page.locator('tr[data-delivery]').count()) >= 3);
  await noSideScroll('webhook');
  await scan(page, 'phone webhook');
  await shot(page, 'phone-webhook');
  await page.locator('tr[data-delivery]').first().getByRole('link').click();
  await h1(page, 'Delivery');
  await page.locator('code[data-header="webhook-signature"]').waitFor();
  await noSideScroll('delivery');
  await shot(page, 'phone-delivery');
  await context.close();
}

async function main() {
  const watchdog = setTimeout(() => {
    process.stderr.write(`watchdog: no result after ${TIMEOUT_MS} ms (step: ${state.step})\n`);
    process.stdout.write(`${JSON.stringify({ ok: false, checks: state.checks, failed: state.step })}\n`);
    process.exit(1);
  }, TIMEOUT_MS);
  fs.mkdirSync(SHOTS, { recursive: true });
  try {
    receiver = await startReceiver();
    browser = await launch(CHROMIUM);
    await mainWalk();
    await xssWalk();
    await keyboardWalk();
    await phoneWalk();
    step('no page error, CSP refusal, dialog or outside request');
    eq(problems, [], 'problems seen by the pages');
    step('axe-core: no serious or critical violation');
    fs.writeFileSync(path.join(SHOTS, 'axe-report.txt'), `${axeReport.join('\n')}\n`);
    eq(axeFindings, [], 'serious or critical accessibility violations');
    process.stdout.write(`${JSON.stringify({ ok: true, checks: state.checks })}\n`);
  } catch (e) {
    process.stderr.write(`FAILED at "${state.step}": ${e.stack || e}\n`);
    if (problems.length) process.stderr.write(`problems seen by the pages:\n  ${problems.join('\n  ')}\n`);
    process.stdout.write(`${JSON.stringify({ ok: false, checks: state.checks, failed: state.step })}\n`);
    process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    if (browser) await browser.close();
    if (receiver) await receiver.close();
  }
}

main();
