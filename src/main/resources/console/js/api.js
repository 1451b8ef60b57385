// The gateway's API, as the signed-in project. The key lives in this tab's sessionStorage only: it
// travels in the X-Appwrite-Key header, never in a URL or a cookie, and "Sign out" forgets it.

const SESSION = 'hookgate.console';

/** {projectId, key} of this tab, or null. */
export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION));
    return s && s.projectId && s.key ? s : null;
  } catch {
    return null;
  }
}

export function remember(projectId, key) {
  sessionStorage.setItem(SESSION, JSON.stringify({projectId, key}));
}

export function forget() {
  sessionStorage.removeItem(SESSION);
  catalogue = null;
}

/** An error answer in Appwrite's shape: message, HTTP status and type. */
export class ApiError extends Error {
  constructor(message, status, type) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

/**
 * Calls /v1<path> with the session's project and key; answers the parsed JSON (null for 204). A
 * string body is sent as it is (JSON text whose bytes matter), anything else as JSON.
 */
export async function api(method, path, body, given = session()) {
  if (!given) throw new ApiError('Not signed in.', 401, 'console_signed_out');
  const headers = {'X-Appwrite-Project': given.projectId, 'X-Appwrite-Key': given.key};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/v1${path}`, {
      method, headers, body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    throw new ApiError(`The gateway could not be reached (${e.message}).`, 0, 'console_network');
  }
  if (response.status === 204) return null;
  let json = null;
  try {
    json = await response.json();
  } catch {
    // not JSON: reported below by status
  }
  if (!response.ok) {
    const message = json && json.message ? json.message : `HTTP ${response.status}`;
    const id = response.headers.get('X-Request-Id');
    throw new ApiError(response.status >= 500 && id ? `${message} (request ${id})` : message,
      response.status, json && json.type);
  }
  return json;
}

/** A path segment. */
export const seg = (s) => encodeURIComponent(s);

/** Appwrite's list query: queries[]={"method":...,"values":[...]}. */
export function queries(...list) {
  return list.map((q) => `queries%5B%5D=${encodeURIComponent(JSON.stringify(q))}`).join('&');
}

/** Every webhook of the project (up to 5000, the API's largest page). */
export async function allWebhooks() {
  const page = await api('GET', `/webhooks?${queries({method: 'limit', values: [5000]})}`);
  return page.webhooks;
}

let catalogue = null;

/** The subscribable events [{event, description}], fetched once per sign-in. */
export async function eventCatalogue() {
  if (!catalogue) catalogue = api('GET', '/catalogue').then((c) => c.events);
  try {
    return await catalogue;
  } catch (e) {
    catalogue = null;
    throw e;
  }
}

/** The expansion of a concrete event name. */
export async function expansion(event) {
  return (await api('GET', `/catalogue/expansion?event=${encodeURIComponent(event)}`)).expansion;
}

/** PUT of a webhook with its fields as they are, but those given in `changes`. */
export function updateWebhook(w, changes) {
  const body = {name: w.name, url: w.url, events: w.events, enabled: w.enabled, tls: w.tls,
    authUsername: w.authUsername, authPassword: w.authPassword, ...changes};
  return api('PUT', `/webhooks/${seg(w.$id)}`, body);
}
