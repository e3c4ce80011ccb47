// A minimal W3C WebDriver client over fetch (Node >= 20): just what the end-to-end tests use.
// https://www.w3.org/TR/webdriver2/ — every command is one HTTP request with a JSON body, and
// every answer is {"value": …}, with {"value": {"error", "message"}} on failure.

const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriverError extends Error {
  constructor(command, error, message) {
    super(`${command}: ${error}: ${message}`);
    this.error = error;
  }
}

/** Errors that mean "not (yet) there or not (yet) usable": worth polling again. */
const TRANSIENT = new Set([
  'no such element',
  'stale element reference',
  'element click intercepted',
  'element not interactable',
  'invalid element state',
]);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function request(base, method, path, body, timeoutMs) {
  const command = `${method} ${path}`;
  let res;
  try {
    res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new WebDriverError(command, 'request failed', `${e.name}: ${e.message}`);
  }
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(command, `HTTP ${res.status}`, `not JSON: ${text.slice(0, 500)}`);
  }
  const value = json?.value;
  if (!res.ok || (value && typeof value === 'object' && 'error' in value)) {
    throw new WebDriverError(command, value?.error ?? `HTTP ${res.status}`, value?.message ?? text);
  }
  return value;
}

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitUntil(what, timeoutMs, fn, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (!(e instanceof WebDriverError && TRANSIENT.has(e.error))) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last: ${last.message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Waits until the WebDriver server at `base` answers /status with ready: true. */
export async function waitForServer(base, timeoutMs, isAlive = () => true) {
  return waitUntil(`WebDriver server at ${base}`, timeoutMs, async () => {
    if (!isAlive()) throw new Error(`WebDriver server at ${base} exited`);
    try {
      const v = await request(base, 'GET', '/status', undefined, 5000);
      return v?.ready !== false;
    } catch {
      return false;
    }
  }, 500);
}

/**
 * A locator: a CSS selector, or an XPath expression when it starts with `/` or `(`
 * (XPath can match on text, e.g. the table row of one certificate).
 */
function locate(query) {
  return /^[/(]/.test(query) ? { using: 'xpath', value: query } : { using: 'css selector', value: query };
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /** Opens a session; `capabilities` goes into alwaysMatch (tauri-driver reads tauri:options there). */
  static async create(base, alwaysMatch, timeoutMs) {
    const v = await request(base, 'POST', '/session', { capabilities: { alwaysMatch } }, timeoutMs);
    return new Session(base, v.sessionId);
  }

  cmd(method, path, body, timeoutMs = 30_000) {
    return request(this.base, method, `/session/${this.id}${path}`, body, timeoutMs);
  }

  /** The first element matching `css` (or an XPath, see locate()), or null. */
  async find(css) {
    try {
      const v = await this.cmd('POST', '/element', locate(css));
      return v[ELEMENT_KEY];
    } catch (e) {
      if (e instanceof WebDriverError && e.error === 'no such element') return null;
      throw e;
    }
  }

  async displayed(el) {
    return (await this.cmd('GET', `/element/${el}/displayed`)) === true;
  }

  /** All elements matching `css` (possibly none). */
  async findAll(css) {
    const v = await this.cmd('POST', '/elements', locate(css));
    return v.map((e) => e[ELEMENT_KEY]);
  }

  /** The first displayed element matching `css` (hidden matches are passed over), or null. */
  async findDisplayed(css) {
    for (const el of await this.findAll(css)) {
      if (await this.displayed(el)) return el;
    }
    return null;
  }

  /** Waits for a displayed element matching `css`. */
  waitFor(css, timeoutMs = 60_000) {
    return waitUntil(`a displayed ${css}`, timeoutMs, () => this.findDisplayed(css));
  }

  /** Waits for `css` to be displayed and enabled, then clicks it (retrying while it is covered). */
  click(css, timeoutMs = 60_000) {
    return waitUntil(`a clickable ${css}`, timeoutMs, async () => {
      const el = await this.findDisplayed(css);
      if (!el || (await this.cmd('GET', `/element/${el}/enabled`)) !== true) return false;
      await this.cmd('POST', `/element/${el}/click`, {});
      return true;
    });
  }

  /** Whether `css` is displayed and enabled now (false when it is not there). */
  async enabled(css) {
    const el = await this.findDisplayed(css);
    return !!el && (await this.cmd('GET', `/element/${el}/enabled`)) === true;
  }

  /** Whether the radio button or checkbox `css` is selected now. */
  async selected(css) {
    const el = await this.findDisplayed(css);
    return !!el && (await this.cmd('GET', `/element/${el}/selected`)) === true;
  }

  /** Reloads the page: the app starts its UI again from the list. */
  async refresh() {
    await this.cmd('POST', '/refresh', {}, 60_000);
  }

  /** Waits for `css`, then types `text` into it. */
  async type(css, text, timeoutMs = 60_000) {
    const el = await this.waitFor(css, timeoutMs);
    await this.cmd('POST', `/element/${el}/clear`, {});
    await this.cmd('POST', `/element/${el}/value`, { text });
  }

  /** Waits for `css` and returns its rendered text. */
  async text(css, timeoutMs = 60_000) {
    const el = await this.waitFor(css, timeoutMs);
    return this.cmd('GET', `/element/${el}/text`);
  }

  /** Waits for `css` and returns its attribute `name` (null when it has none). */
  async attribute(css, name, timeoutMs = 60_000) {
    const el = await this.waitFor(css, timeoutMs);
    return this.cmd('GET', `/element/${el}/attribute/${encodeURIComponent(name)}`);
  }

  /** The data-testid of the element that has the keyboard focus (null when none has one). */
  async activeTestId() {
    const v = await this.cmd('GET', '/element/active');
    return this.cmd('GET', `/element/${v[ELEMENT_KEY]}/attribute/data-testid`);
  }

  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot', undefined, 60_000), 'base64');
  }

  source() {
    return this.cmd('GET', '/source');
  }

  async delete() {
    await this.cmd('DELETE', '', undefined, 30_000);
  }
}
