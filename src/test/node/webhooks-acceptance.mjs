#!/usr/bin/env node
// Acceptance test for Hookgate's Appwrite-1.9-compatible project webhooks API,
// driven by the real Appwrite server SDK (node-appwrite, pinned to 27.1.0).
//
// Environment:
//   HOOKGATE_ENDPOINT      e.g. http://127.0.0.1:8080/v1   (required)
//   HOOKGATE_PROJECT       project id sent as X-Appwrite-Project (required)
//   HOOKGATE_KEY           API key sent as X-Appwrite-Key (required)
//   HOOKGATE_RECEIVER_URL  a URL the webhooks may point at (required)
//   HOOKGATE_TIMEOUT_MS    overall watchdog, default 60000 (optional)
//
// Success: prints {"ok":true,"checks":N} on stdout, exit 0.
// Failure: prints the failing check and error details on stderr,
//          {"ok":false,"checks":N,"failed":"..."} on stdout, exit 1.

import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { AppwriteException, Client, ID, Query, Webhooks } from 'node-appwrite';

const CUSTOM_ID = 'acceptance-hook';
const LIST_IDS = [1, 2, 3, 4, 5, 6, 7].map((i) => `listq-${i}`);
const CUSTOM_SECRET = 'acceptance-secret-0123456789';
const OWN_SECRET = 'my-own-secret-123';
const WRONG_KEY = 'hookgate-acceptance-wrong-key';

const HEX128 = /^[0-9a-f]{128}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

let checks = 0;
let current = 'startup';

// ---------------------------------------------------------------- helpers

function step(name) {
  current = name;
}

function ok(value, message) {
  assert.ok(value, message);
  checks++;
}

function eq(actual, expected, message) {
  assert.equal(actual, expected, message);
  checks++;
}

function deepEq(actual, expected, message) {
  assert.deepEqual(actual, expected, message);
  checks++;
}

function notEq(actual, expected, message) {
  assert.notEqual(actual, expected, message);
  checks++;
}

function matches(actual, regex, message) {
  assert.equal(typeof actual, 'string', `${message} (expected a string, got ${inspect(actual)})`);
  assert.match(actual, regex, message);
  checks++;
}

function isoDate(actual, message) {
  matches(actual, ISO_8601, message);
  ok(!Number.isNaN(Date.parse(actual)), `${message} (must parse as a date)`);
}

/** Awaits a promise that must reject with an AppwriteException of the given code (and type, if given). */
async function rejects(promise, code, type, what) {
  let result;
  try {
    result = await promise;
  } catch (err) {
    if (!(err instanceof AppwriteException)) {
      throw err; // transport problem or bug: report as-is
    }
    eq(err.code, code, `${what}: expected HTTP ${code}, got ${err.code} (type=${err.type}, message=${err.message}, response=${err.response})`);
    if (type !== undefined) {
      eq(err.type, type, `${what}: expected error type '${type}', got '${err.type}' (message=${err.message}, response=${err.response})`);
    }
    return err;
  }
  assert.fail(`${what}: expected rejection with ${code}${type ? ' ' + type : ''}, but it resolved with ${inspect(result, { depth: 5 })}`);
}

/** Checks the full Webhook model shape (models.d.ts Webhook). */
function assertWebhookShape(w, what) {
  ok(w !== null && typeof w === 'object', `${what}: response must be a JSON object, got ${inspect(w)}`);
  const expectedTypes = {
    $id: 'string',
    $createdAt: 'string',
    $updatedAt: 'string',
    name: 'string',
    url: 'string',
    tls: 'boolean',
    authUsername: 'string',
    authPassword: 'string',
    secret: 'string',
    enabled: 'boolean',
    logs: 'string',
    attempts: 'number',
  };
  for (const [field, type] of Object.entries(expectedTypes)) {
    eq(typeof w[field], type, `${what}: field '${field}' must be a ${type}, got ${inspect(w[field])}`);
  }
  ok(Array.isArray(w.events), `${what}: field 'events' must be an array, got ${inspect(w.events)}`);
  ok(w.events.every((e) => typeof e === 'string'), `${what}: 'events' must contain only strings, got ${inspect(w.events)}`);
  isoDate(w.$createdAt, `${what}: $createdAt must be an ISO 8601 date string`);
  isoDate(w.$updatedAt, `${what}: $updatedAt must be an ISO 8601 date string`);
}

function sameStoredFields(actual, expected, what) {
  for (const field of ['$id', '$createdAt', '$updatedAt', 'name', 'url', 'tls', 'authUsername', 'authPassword', 'enabled', 'logs', 'attempts']) {
    eq(actual[field], expected[field], `${what}: field '${field}' differs from the created webhook`);
  }
  deepEq(actual.events, expected.events, `${what}: field 'events' differs from the created webhook`);
}

function describeError(err) {
  const lines = [];
  if (err instanceof AppwriteException) {
    lines.push(`AppwriteException: ${err.message}`);
    lines.push(`  code:     ${inspect(err.code)}`);
    lines.push(`  type:     ${inspect(err.type)}`);
    lines.push(`  response: ${inspect(err.response)}`);
  } else if (err instanceof assert.AssertionError) {
    lines.push(`AssertionError: ${err.message}`);
    if (err.operator !== 'fail') {
      lines.push(`  actual:   ${inspect(err.actual, { depth: 5 })}`);
      lines.push(`  expected: ${inspect(err.expected, { depth: 5 })}`);
    }
  } else {
    lines.push(`${err?.name ?? 'Error'}: ${err?.message ?? inspect(err)}`);
    // undici's fetch reports transport failures as TypeError('fetch failed') with the real cause attached.
    let cause = err?.cause;
    while (cause) {
      const nested = Array.isArray(cause.errors) ? cause.errors.map((e) => `${e.code ?? ''} ${e.message}`).join('; ') : '';
      lines.push(`  cause: ${cause.code ? cause.code + ' ' : ''}${cause.message ?? inspect(cause)}${nested ? ' [' + nested + ']' : ''}`);
      cause = cause.cause;
    }
    if (err?.message === 'fetch failed') {
      lines.push(`  (is the gateway running at HOOKGATE_ENDPOINT=${process.env.HOOKGATE_ENDPOINT}?)`);
    }
  }
  return lines.join('\n');
}

/** An expected, self-explanatory failure (bad configuration, timeout): no stack trace needed. */
class PlainFailure extends Error {}

function fail(err) {
  process.stderr.write(`FAIL during step [${current}] after ${checks} passing check(s)\n${describeError(err)}\n`);
  const expected = err instanceof AppwriteException || err instanceof assert.AssertionError || err instanceof PlainFailure;
  if (err?.stack && !expected) {
    process.stderr.write(`${err.stack}\n`);
  }
  process.stdout.write(JSON.stringify({ ok: false, checks, failed: current }) + '\n');
  process.exit(1);
}

// ---------------------------------------------------------------- main

async function main() {
  step('configuration');
  const env = {};
  const missing = [];
  for (const name of ['HOOKGATE_ENDPOINT', 'HOOKGATE_PROJECT', 'HOOKGATE_KEY', 'HOOKGATE_RECEIVER_URL']) {
    env[name] = process.env[name];
    if (!env[name]) missing.push(name);
  }
  if (missing.length) {
    throw new PlainFailure(`missing required environment variable(s): ${missing.join(', ')}`);
  }
  const endpoint = env.HOOKGATE_ENDPOINT.replace(/\/+$/, '');
  const receiverUrl = env.HOOKGATE_RECEIVER_URL;
  const updatedUrl = (() => {
    const u = new URL(receiverUrl);
    u.searchParams.set('acceptance', 'updated');
    return u.toString();
  })();

  const client = new Client().setEndpoint(endpoint).setProject(env.HOOKGATE_PROJECT).setKey(env.HOOKGATE_KEY);
  const webhooks = new Webhooks(client);

  // Leftover from an earlier aborted run? Remove it so (b) can start clean. Only "not found" is tolerated.
  step('pre-clean: delete leftover acceptance-hook and listq-*');
  for (const leftover of [CUSTOM_ID, ...LIST_IDS]) {
    try {
      await webhooks.delete({ webhookId: leftover });
    } catch (err) {
      if (!(err instanceof AppwriteException && err.code === 404)) throw err;
    }
  }

  // ---- (a) create with ID.unique() and generated secret
  step('a: create with ID.unique()');
  const events = ['users.*.create', 'databases.*.collections.*.documents.*.create'];
  const newId = ID.unique();
  const created = await webhooks.create({
    webhookId: newId,
    url: receiverUrl,
    name: 'Acceptance webhook',
    events,
    enabled: true,
    tls: false,
    authUsername: 'u',
    authPassword: 'p',
  });
  assertWebhookShape(created, 'a: create');
  eq(created.$id, newId, 'a: $id must be the id sent by the client');
  eq(created.$id.length, 20, `a: $id must be 20 chars, got '${created.$id}'`);
  eq(created.name, 'Acceptance webhook', 'a: name');
  eq(created.url, receiverUrl, 'a: url');
  deepEq(created.events, events, 'a: events');
  eq(created.tls, false, 'a: tls');
  eq(created.authUsername, 'u', 'a: authUsername');
  eq(created.authPassword, 'p', 'a: authPassword');
  eq(created.enabled, true, 'a: enabled');
  eq(created.logs, '', 'a: logs must be empty');
  eq(created.attempts, 0, 'a: attempts must be 0');
  matches(created.secret, HEX128, 'a: generated secret must be 128 lowercase hex chars');
  const id = created.$id;
  const firstSecret = created.secret;

  // ---- (b) custom id + explicit secret, then a duplicate
  step('b: create with custom id and explicit secret');
  const custom = await webhooks.create({
    webhookId: CUSTOM_ID,
    url: receiverUrl,
    name: 'Acceptance custom webhook',
    events: ['users.*.create'],
    secret: CUSTOM_SECRET,
  });
  assertWebhookShape(custom, 'b: create custom');
  eq(custom.$id, CUSTOM_ID, 'b: $id must be the custom id');
  eq(custom.secret, CUSTOM_SECRET, 'b: explicit secret must be echoed on creation');

  step('b: create duplicate id');
  await rejects(
    webhooks.create({ webhookId: CUSTOM_ID, url: receiverUrl, name: 'Duplicate', events: ['users.*.create'] }),
    409, 'webhook_already_exists', 'b: creating an existing webhookId');

  // ---- (c) list
  step('c: list()');
  const all = await webhooks.list();
  ok(all !== null && typeof all === 'object', `c: list must return an object, got ${inspect(all)}`);
  eq(typeof all.total, 'number', `c: total must be a number, got ${inspect(all.total)}`);
  ok(Array.isArray(all.webhooks), `c: webhooks must be an array, got ${inspect(all.webhooks)}`);
  ok(all.total >= 2, `c: total must be >= 2, got ${all.total}`);
  const listedIds = all.webhooks.map((w) => w.$id);
  ok(listedIds.includes(id), `c: list must contain ${id}, got ${inspect(listedIds)}`);
  ok(listedIds.includes(CUSTOM_ID), `c: list must contain ${CUSTOM_ID}, got ${inspect(listedIds)}`);
  for (const w of all.webhooks) {
    eq(w.secret, '', `c: secret must be '' in listings (webhook ${w.$id})`);
  }
  sameStoredFields(all.webhooks.find((w) => w.$id === id), created, 'c: listed webhook');

  step('c: list([Query.limit(1)])');
  const limited = await webhooks.list({ queries: [Query.limit(1)] });
  ok(Array.isArray(limited.webhooks), `c: webhooks must be an array, got ${inspect(limited.webhooks)}`);
  eq(limited.webhooks.length, 1, 'c: Query.limit(1) must return exactly 1 webhook');
  eq(limited.total, all.total, 'c: total must count all matches, not just the returned page');
  eq(limited.webhooks[0].secret, '', 'c: secret must be \'\' in limited listing');

  // ---- (d) get
  step('d: get(id)');
  const fetched = await webhooks.get({ webhookId: id });
  assertWebhookShape(fetched, 'd: get');
  sameStoredFields(fetched, created, 'd: get');
  eq(fetched.secret, '', 'd: secret must be \'\' on get');

  // ---- (e) update
  step('e: update(id, ...)');
  const updated = await webhooks.update({
    webhookId: id,
    name: 'Acceptance webhook (updated)',
    url: updatedUrl,
    events: ['users.*.update.email'],
    enabled: false,
    tls: true,
  });
  assertWebhookShape(updated, 'e: update');
  eq(updated.$id, id, 'e: $id unchanged');
  eq(updated.name, 'Acceptance webhook (updated)', 'e: name');
  eq(updated.url, updatedUrl, 'e: url');
  deepEq(updated.events, ['users.*.update.email'], 'e: events');
  eq(updated.enabled, false, 'e: enabled');
  eq(updated.tls, true, 'e: tls');
  eq(updated.$createdAt, created.$createdAt, 'e: $createdAt must not change');
  ok(Date.parse(updated.$updatedAt) >= Date.parse(updated.$createdAt),
    `e: $updatedAt (${updated.$updatedAt}) must be >= $createdAt (${updated.$createdAt})`);
  eq(updated.secret, '', 'e: secret must be \'\' on update');

  step('e: get(id) after update');
  const refetched = await webhooks.get({ webhookId: id });
  eq(refetched.name, updated.name, 'e: get after update: name persisted');
  eq(refetched.url, updatedUrl, 'e: get after update: url persisted');
  deepEq(refetched.events, ['users.*.update.email'], 'e: get after update: events persisted');
  eq(refetched.enabled, false, 'e: get after update: enabled persisted');
  eq(refetched.tls, true, 'e: get after update: tls persisted');

  // ---- (f) secret rotation
  step('f: updateSecret(id)');
  const rotated = await webhooks.updateSecret({ webhookId: id });
  assertWebhookShape(rotated, 'f: updateSecret');
  eq(rotated.$id, id, 'f: $id');
  matches(rotated.secret, HEX128, 'f: rotated secret must be 128 lowercase hex chars');
  notEq(rotated.secret, firstSecret, 'f: rotated secret must differ from the original one');

  step('f: updateSecret(id, own secret)');
  const own = await webhooks.updateSecret({ webhookId: id, secret: OWN_SECRET });
  assertWebhookShape(own, 'f: updateSecret with secret');
  eq(own.secret, OWN_SECRET, 'f: explicit secret must be echoed');

  // ---- (g) delete
  step('g: delete(id)');
  await webhooks.delete({ webhookId: id });
  checks++; // resolved

  step('g: get(id) after delete');
  await rejects(webhooks.get({ webhookId: id }), 404, 'webhook_not_found', 'g: get after delete');

  step('g: delete(id) again');
  await rejects(webhooks.delete({ webhookId: id }), 404, 'webhook_not_found', 'g: second delete');

  // ---- (h) invalid event
  step('h: create with invalid event');
  await rejects(
    webhooks.create({ webhookId: ID.unique(), url: receiverUrl, name: 'Invalid event', events: ['users.*.explode'] }),
    400, 'general_argument_invalid', 'h: create with event users.*.explode');

  // ---- (i) wrong key
  step('i: list() with a wrong API key');
  const badClient = new Client().setEndpoint(endpoint).setProject(env.HOOKGATE_PROJECT).setKey(WRONG_KEY);
  await rejects(new Webhooks(badClient).list(), 401, undefined, 'i: list with wrong key');

  // ---- (j) list queries
  await listQueries(client, webhooks, endpoint, env.HOOKGATE_PROJECT, receiverUrl);

  // ---- cleanup
  step('cleanup: delete acceptance-hook');
  await webhooks.delete({ webhookId: CUSTOM_ID });
  checks++;

  process.stdout.write(JSON.stringify({ ok: true, checks }) + '\n');
}

// ---------------------------------------------------------------- (j) list queries

const idsOf = (list) => list.webhooks.map((w) => w.$id);

/**
 * Every kind of query the SDK builds, cursors over several pages both ways, total, Appwrite's errors, the
 * old response formats on both paths and an unknown parameter. Seven webhooks listq-1 ... listq-7 (in
 * creation order): names alternate 'List odd' / 'List even', every third has TLS and a user name, the
 * fourth is disabled, the even ones also subscribe to teams.*. They are deleted at the end.
 */
async function listQueries(client, webhooks, endpoint, projectId, receiverUrl) {
  step('j: create listq-1 ... listq-7');
  const made = [];
  for (let i = 1; i <= 7; i++) {
    made.push(await webhooks.create({
      webhookId: `listq-${i}`,
      url: `${receiverUrl}${receiverUrl.includes('?') ? '&' : '?'}q=${i}`,
      name: i % 2 ? 'List odd' : 'List even',
      events: i % 2 ? ['users.*.create'] : ['users.*', 'teams.*'],
      tls: i % 3 === 0,
      authUsername: i % 3 === 0 ? `user${i}` : '',
      enabled: i !== 4,
    }));
  }
  const mine = Query.startsWith('$id', 'listq-');
  const only = async (queries) => idsOf(await webhooks.list({ queries: [mine, ...queries] }));
  const ids = (...n) => n.map((i) => `listq-${i}`);

  step('j: cursorAfter over several pages');
  const everything = idsOf(await webhooks.list({ queries: [Query.limit(100)] }));
  const total = everything.length;
  ok(total >= 8, `j: the project has listq-* and acceptance-hook, got ${inspect(everything)}`);
  const forward = [];
  let page = await webhooks.list({ queries: [Query.limit(3)] });
  for (let pages = 1; ; pages++) {
    eq(page.total, total, `j: total on page ${pages} counts every webhook`);
    forward.push(...idsOf(page));
    if (page.webhooks.length < 3) break;
    ok(pages < 10, 'j: paging must end');
    page = await webhooks.list({ queries: [Query.limit(3), Query.cursorAfter(forward[forward.length - 1])] });
  }
  deepEq(forward, everything, 'j: pages after cursors are the whole list, in order, once each');

  step('j: cursorBefore over several pages');
  const backward = [];
  let cursor = everything[everything.length - 1];
  for (;;) {
    const before = idsOf(await webhooks.list({ queries: [Query.cursorBefore(cursor), Query.limit(3)] }));
    backward.unshift(...before);
    if (before.length < 3) break;
    cursor = before[0];
  }
  deepEq(backward, everything.slice(0, -1), 'j: pages before cursors are everything before the last, in order');

  step('j: limit and offset');
  deepEq(await only([Query.limit(2), Query.offset(3)]), ids(4, 5), 'j: limit(2) offset(3)');
  deepEq(await only([Query.cursorAfter('listq-2'), Query.offset(1), Query.limit(2)]), ids(4, 5),
    'j: offset counts from the cursor');

  step('j: filters');
  deepEq(await only([Query.equal('name', 'List odd')]), ids(1, 3, 5, 7), 'j: equal');
  deepEq(await only([Query.equal('name', ['List odd', 'List even'])]), ids(1, 2, 3, 4, 5, 6, 7), 'j: equal, any of');
  deepEq(await only([Query.notEqual('enabled', true)]), ids(4), 'j: notEqual');
  deepEq(await only([Query.equal('tls', true)]), ids(3, 6), 'j: equal on tls');
  deepEq(await only([Query.equal('authUsername', 'user6')]), ids(6), 'j: equal on authUsername');
  deepEq(await only([Query.lessThan('$createdAt', made[2].$createdAt)]),
    made.filter((w) => w.$createdAt < made[2].$createdAt).map((w) => w.$id), 'j: lessThan $createdAt');
  deepEq(await only([Query.createdAfter(made[4].$createdAt)]),
    made.filter((w) => w.$createdAt > made[4].$createdAt).map((w) => w.$id), 'j: createdAfter (greaterThan)');
  deepEq(await only([Query.greaterThan('attempts', 0)]), [], 'j: greaterThan attempts');
  deepEq(await only([Query.between('$createdAt', made[0].$createdAt, made[6].$createdAt)]), ids(1, 2, 3, 4, 5, 6, 7),
    'j: between, both ends included');
  deepEq(await only([Query.isNull('authUsername')]), [], 'j: isNull (no attribute of a webhook is null)');
  deepEq(await only([Query.isNotNull('logs')]), ids(1, 2, 3, 4, 5, 6, 7), 'j: isNotNull');
  deepEq(await only([Query.startsWith('name', 'List e')]), ids(2, 4, 6), 'j: startsWith');
  deepEq(await only([Query.endsWith('url', 'q=7')]), ids(7), 'j: endsWith');
  deepEq(await only([Query.contains('events', 'teams.*')]), ids(2, 4, 6), 'j: contains on events');
  deepEq(await only([Query.contains('name', 'odd')]), ids(1, 3, 5, 7), 'j: contains on a string');
  deepEq(await only([Query.or([Query.equal('tls', true), Query.equal('enabled', false)])]), ids(3, 4, 6), 'j: or');
  deepEq(await only([Query.and([Query.equal('name', 'List even'), Query.equal('tls', false)])]), ids(2, 4), 'j: and');
  const counted = await webhooks.list({ queries: [mine, Query.equal('name', 'List odd'), Query.limit(1)] });
  eq(counted.total, 4, 'j: total counts every match, not the page');
  deepEq(idsOf(counted), ids(1), 'j: the page is the first match');

  step('j: orders');
  deepEq(await only([Query.orderDesc('$createdAt')]), [...LIST_IDS].reverse(), 'j: orderDesc $createdAt');
  deepEq(await only([Query.orderAsc('name')]), ids(2, 4, 6, 1, 3, 5, 7), 'j: orderAsc name, ties in creation order');
  deepEq(await only([Query.orderDesc('name'), Query.limit(3), Query.cursorAfter('listq-5')]), ids(7, 2, 4),
    'j: a cursor follows the order');
  deepEq(await only([Query.orderDesc('tls'), Query.orderAsc('$id'), Query.limit(3)]), ids(3, 6, 1),
    'j: two orders');

  step('j: total');
  const noTotal = await webhooks.list({ queries: [mine], total: false });
  eq(noTotal.total, 0, 'j: total: false gives 0');
  eq(noTotal.webhooks.length, 7, 'j: total: false still lists');

  step('j: errors');
  await rejects(webhooks.list({ queries: [Query.cursorAfter('no-such-webhook')] }), 400, 'general_cursor_not_found',
    'j: cursorAfter on a webhook that does not exist');
  const unknown = await rejects(webhooks.list({ queries: [Query.equal('secret', 'x')] }), 400,
    'general_argument_invalid', 'j: equal on an attribute that cannot be queried');
  eq(unknown.message, 'Invalid `queries` param: Invalid query: Attribute not found in schema: secret',
    'j: Appwrite\'s message for an unknown attribute');
  await rejects(webhooks.list({ queries: [Query.orderAsc('nope')] }), 400, 'general_argument_invalid',
    'j: orderAsc on an unknown attribute');
  await rejects(webhooks.list({ queries: [Query.limit(0)] }), 400, 'general_argument_invalid', 'j: limit(0)');
  // Appwrite's validator lets search by, then its database fails (no full-text index); Hookgate answers 400.
  await rejects(webhooks.list({ queries: [Query.search('name', 'List')] }), 400, 'general_argument_invalid',
    'j: search');

  step('j: an unknown parameter is ignored');
  // The SDK's services send the project with each call: a raw call does too.
  const project = { 'X-Appwrite-Project': projectId };
  const withUnknown = await client.call('get', new URL(`${endpoint}/webhooks`), project,
    { queries: [mine, Query.limit(2)], notAParameter: 'x' });
  deepEq(idsOf(withUnknown), ids(1, 2), 'j: an unknown parameter is ignored');

  step('j: old response formats on both paths');
  for (const path of ['/webhooks', `/projects/${projectId}/webhooks`]) {
    for (const format of ['1.8.0', '1.9.0']) {
      const old = await client.call('get', new URL(endpoint + path), { ...project, 'X-Appwrite-Response-Format': format },
        { queries: [mine, Query.equal('tls', true)] });
      deepEq(idsOf(old), ids(3, 6), `j: ${path} with format ${format}: the query`);
      const w = old.webhooks[0];
      eq(w.security, true, `j: ${path} with format ${format}: security`);
      eq(w.httpUser, 'user3', `j: ${path} with format ${format}: httpUser`);
      eq(w.signatureKey, '', `j: ${path} with format ${format}: signatureKey`);
      ok(!('tls' in w) && !('authUsername' in w) && !('secret' in w),
        `j: ${path} with format ${format}: no new names, got ${inspect(Object.keys(w))}`);
    }
    const current = await client.call('get', new URL(endpoint + path), { ...project, 'X-Appwrite-Response-Format': '1.9.5' },
      { queries: [mine, Query.equal('security', true), Query.limit(1)] });
    eq(current.webhooks[0].tls, true, `j: ${path} with format 1.9.5: tls (queried by its column name security)`);
    ok(!('security' in current.webhooks[0]), `j: ${path} with format 1.9.5: no old names`);
    eq(current.total, 2, `j: ${path} with format 1.9.5: total`);
  }

  step('j: delete listq-*');
  for (const id of LIST_IDS) {
    await webhooks.delete({ webhookId: id });
  }
  checks++;
}

const timeoutMs = Number(process.env.HOOKGATE_TIMEOUT_MS || 60000);
setTimeout(() => {
  fail(new PlainFailure(`timed out after ${timeoutMs} ms (set HOOKGATE_TIMEOUT_MS to change)`));
}, timeoutMs).unref();

main().then(() => process.exit(0), fail);
