// The test's own desktop services on the session bus of the e2e run (dbus-run-session): a
// notification server (notification-server.py: what the app shows, and clicks on it) and a
// tray (tray-host.py: the StatusNotifierItem the resident registers, its menu, and clicks).
//
//   const server = await startNotificationServer(log);
//   const n = await server.waitFor((n) => n.summary === '…', T.step);
//   await server.invoke(n.id, 'default');   // a click on the notification
//   await server.stop();
//
//   const tray = await startTrayHost(log);
//   await tray.registered(T.step);
//   const item = await tray.inspect();      // { id, title, status, tooltip, icons, menu }
//   await tray.click('終了');

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../webdriver.mjs';
import { stop } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// Debian's python3 (python3-dbus, python3-gi), not a pyenv or venv one first on PATH.
const PYTHON = '/usr/bin/python3';

export const startNotificationServer = (log, timeoutMs) =>
  startScript('notification-server.py', (child) => new NotificationServer(child, log), log, timeoutMs);

export const startTrayHost = (log, timeoutMs) =>
  startScript('tray-host.py', (child) => new TrayHost(child, log), log, timeoutMs);

/** Starts one of the services; its JSON lines land in `server.events`. */
async function startScript(script, make, log, timeoutMs = 30_000) {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} missing: bash .ci/setup test installs python3-dbus and python3-gi`);
  const out = createWriteStream(log);
  const child = spawn(PYTHON, [path.join(HERE, script)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: process.env,
  });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = make(child);
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
    await waitUntil(`${script} ready (see ${log})`, timeoutMs, async () => {
      const error = server.events.find((e) => e.event === 'error');
      if (error) throw new Error(`${script}: ${error.message}`);
      if (!server.alive) throw new Error(`${script} exited (see ${log})`);
      return server.events.some((e) => e.event === 'ready');
    });
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

class Service {
  constructor(child, log) {
    this.child = child;
    this.log = log;
    this.events = [];
    this.alive = true;
  }

  async stop() {
    try {
      this.child.stdin.end();
    } catch {}
    await stop(this.child, 3000);
  }
}

class NotificationServer extends Service {
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
}

class TrayHost extends Service {
  /** The first item that registered with the watcher. */
  async registered(timeoutMs) {
    let found;
    await waitUntil(`a StatusNotifierItem registered (see ${this.log})`, timeoutMs, async () => {
      found = this.events.find((e) => e.event === 'registered');
      return !!found;
    });
    return found;
  }

  /** Sends `command` and waits for the next line of `event` (or an error) after it. */
  async ask(command, event, timeoutMs = 10_000) {
    const from = this.events.length;
    this.child.stdin.write(`${command}\n`);
    let answer;
    await waitUntil(`tray-host's answer to ${command} (see ${this.log})`, timeoutMs, async () => {
      answer = this.events.slice(from).find((e) => e.event === event || e.event === 'error');
      return !!answer;
    });
    if (answer.event === 'error') throw new Error(`tray-host: ${answer.message}`);
    return answer;
  }

  /** The item's properties and its menu's entries ({ label, enabled }). */
  inspect() {
    return this.ask('inspect', 'item');
  }

  /** A click on the menu entry labelled `label`. */
  click(label) {
    return this.ask(`click ${label}`, 'clicked');
  }
}
