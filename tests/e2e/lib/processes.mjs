// Child processes of the end-to-end tests: each in its own process group, its output in a
// log file, and all of them killed however the test process ends.

import { spawn } from 'node:child_process';
import { accessSync, constants as fsc, createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sleep } from '../webdriver.mjs';

/** A TCP port on 127.0.0.1 that was free a moment ago (and is closed again now). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The executable `cmd` on PATH (or in `extra` directories), or null. */
export function which(cmd, extra = []) {
  for (const dir of [...(process.env.PATH || '').split(':'), ...extra]) {
    const p = path.join(dir, cmd);
    try {
      accessSync(p, fsc.X_OK);
      return p;
    } catch {}
  }
  return null;
}

// Process groups started here, killed even if the test is interrupted (SIGINT/SIGTERM from
// `timeout` or Ctrl-C) or the process exits without reaching the test's cleanup.
const groups = new Set();
function killAllGroups() {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  groups.clear();
}
process.once('exit', killAllGroups);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    killAllGroups();
    process.exit(130);
  });
}

/** Starts `cmd` in its own process group, stdout and stderr to the file `log`. */
export function start(cmd, args, log, opts = {}) {
  const out = createWriteStream(log);
  const child = spawn(cmd, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', ...(opts.extraStdio || [])],
    env: opts.env,
  });
  // Both into one file: neither may end it (the other could still write, "write after
  // end"); it ends once the child's output is all closed.
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  child.once('close', () => out.end());
  if (child.pid !== undefined) groups.add(child.pid);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.alive = true;
  child.once('exit', () => (child.alive = false));
  child.once('error', (e) => {
    child.alive = false;
    out.write(`spawn error: ${e.message}\n`);
  });
  return child;
}

/** Ends a process group we started: SIGTERM, then SIGKILL after a grace period. */
export async function stop(child, graceMs = 5000) {
  if (!child || child.pid === undefined) return;
  const signalGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {}
  };
  signalGroup('SIGTERM');
  await Promise.race([child.exited, sleep(graceMs)]);
  // The group may outlive its leader (WebKitWebDriver, the app): always finish it off.
  signalGroup('SIGKILL');
  groups.delete(child.pid);
}

/** Runs `cmd` to the end (bounded by `timeoutMs`); resolves to {code, signal}. */
export async function run(cmd, args, log, opts = {}, timeoutMs = 120_000) {
  const child = start(cmd, args, log, opts);
  const timer = setTimeout(() => stop(child), timeoutMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
    groups.delete(child.pid);
  }
}

/** Xvfb on a display it picks itself (-displayfd), so parallel runs never collide. */
export async function startXvfb(log) {
  const xvfb = start('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], log, {
    extraStdio: ['pipe'],
  });
  const display = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not report a display within 30s (see ${log})`)), 30_000);
    xvfb.stdio[3].on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${buf.trim()}`);
      }
    });
    xvfb.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}) before reporting a display (see ${log})`));
    });
  });
  return { xvfb, display };
}
