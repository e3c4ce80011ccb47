// The test's own notification server (notification-server.py) on the session bus of the
// e2e run (dbus-run-session): what the app shows, and clicks on it.
//
//   const server = await startNotificationServer(log);
//   const n = await server.waitFor((n) => n.summary === '…', T.step);
//   await server.invoke(n.id, 'default');   // a click on the notification
//   await server.stop();

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../webdriver.mjs';
import { stop } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// Debian's python3 (python3-dbus, python3-gi), not a pyenv or venv one first on PATH.
const PYTHON = '/usr/bin/python3';

export async function startNotificationServer(log, timeoutMs = 30_000) {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} missing: bash .ci/setup test installs python3-dbus and python3-gi`);
  const out = createWriteStream(log);
  const child = spawn(PYTHON, [path.join(HERE, 'notification-server.py')], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: process.env,
  });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = new NotificationServer(child, log);
  let buf = '';
  child.stdout.on('data', (d) => {
    out.write(d);
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        server.events.push(JSON.parse(line));
      } catch {}
    }
  });
  child.stderr.pipe(out);
  child.once('exit', () => (server.alive = false));
  try {
    await waitUntil(`the notification server ready (see ${log})`, timeoutMs, async () => {
      const error = server.events.find((e) => e.event === 'error');
      if (error) throw new Error(`notification server: ${error.message}`);
      if (!server.alive) throw new Error(`notification server exited (see ${log})`);
      return server.events.some((e) => e.event === 'ready');
    });
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

class NotificationServer {
  constructor(child, log) {
    this.child = child;
    this.log = log;
    this.events = [];
    this.alive = true;
  }

  /** Every notification shown so far. */
  get shown() {
    return this.events.filter((e) => e.event === 'notify');
  }

  /** The first notification shown that `match` accepts. */
  async waitFor(match, timeoutMs) {
    let found;
    await waitUntil(`a notification (shown so far: ${JSON.stringify(this.shown)})`, timeoutMs, async () => {
      found = this.shown.find(match);
      return !!found;
    });
    return found;
  }

  /** What a click does: ActionInvoked(id, key) on the bus. */
  async invoke(id, key) {
    this.child.stdin.write(`invoke ${id} ${key}\n`);
    await waitUntil('the server to emit ActionInvoked', 10_000, async () =>
      this.events.some((e) => e.event === 'invoked' && e.id === id),
    );
  }

  async stop() {
    try {
      this.child.stdin.end();
    } catch {}
    await stop(this.child, 3000);
  }
}
