#!/usr/bin/env python3
"""Shomei's footprint benchmark (issue 12): a release build under Xvfb against a bare
Tauri 2 app built in the same run (bench/bare-tauri), and the command line against
pkcs11-tool. Not a test: it prints medians and the goals beside them; it fails only when
something could not be measured.

    python3 bench/footprint.py [--runs 10] [--warmup 1] [--no-build] [--keep]

Needs: bash .ci/setup bench (Xvfb, dbus-daemon, pkcs11-tool, SoftHSM, python3-dbus/gi). Uses
CARGO_TARGET_DIR (default ~/.cache/shomei/target, as .ci/lib.sh).

What it does:
1. Builds: `npm --prefix ui run build`, `cargo build --release -p shomei -p shomei-resident --bins`, and the
   peer, `cargo build --release --manifest-path bench/bare-tauri/Cargo.toml`, into the
   same target dir (the peer's lock pins our versions, so dependencies are shared).
2. Starts its own Xvfb (-displayfd; no window manager), its own session bus
   (dbus-daemon --session) with a StatusNotifierWatcher on it (tests/e2e/lib/tray-host.py: the
   tray registers as on a desktop with a tray, and the table says whether it did); every
   launch gets a fresh HOME/XDG directories. No notification server: the demo's 30-day
   reminder fails to show and is logged.
3. Layout: if the package has a `shomei-window` binary, the split layout (`shomei`
   is the resident and starts `shomei-window` for the window); else the single binary.
   Either way `shomei --demo-dir D` is what is launched.
4. After --warmup uncounted runs (default 1), each run, ours and the peer alternate in order:
   - ours: a fresh demo directory D, made untimed beforehand (`shomei --demo-dir D
     status --json`: the token, its RSA key and the CA exist before the clock starts);
   - first list: launch to the stderr line `ui: list shown`, which the window logs
     (IPC `ui_shown`) once the list with the token's identity is in the DOM and painted;
     the peer: launch to its `bare: page shown`, sent the same way from its page;
   - window open: PSS (/proc/PID/smaps_rollup) summed over the launched process and all
     its descendants (the window process, WebKit's web and network processes), after
     --settle seconds;
   - tray-resident: the window is closed for real: the ICCCM WM_DELETE_WINDOW client
     message (what a window manager sends for the title bar's x) goes to the top-level
     windows whose _NET_WM_PID is in the tree (bench/fp_x11.py, libX11 through ctypes).
     GDK turns it into delete-event, so Tauri closes and destroys the window as after a
     click. Closed means: no WebKit web process left in the tree (and, split layout, the
     `shomei-window` process has exited); the launched process must still be running.
     PSS of the tree --resident-wait (10) seconds later. Then SIGTERM to the tree.
5. The command line (bench/fp_cli.py): a demo token filled to 3 certificates, 4 keys and
   200 data objects; `shomei --profile P status --json` against `pkcs11-tool
   --list-objects` (both without login), and `shomei --help`: median wall time and
   peak RSS (GNU time's %M, see fp_proc.run_measured), after one warm-up each.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The e2e tests' tray host (org.kde.StatusNotifierWatcher with a host; JSON lines on stdout).
TRAY_HOST = os.path.join(HERE, "..", "tests", "e2e", "lib", "tray-host.py")
sys.path.insert(0, HERE)
import fp_cli  # noqa: E402
import fp_report  # noqa: E402
from fp_proc import Launched, comm, tree, tree_pss  # noqa: E402
from fp_x11 import close_windows_of  # noqa: E402

ROOT = os.path.dirname(HERE)
LIST_SHOWN = r"ui: list shown"
BARE_SHOWN = r"bare: page shown"
WEB_PROCESS = "WebKitWebProces"  # comm is cut to 15 characters


def build(target):
    env = {**os.environ, "CARGO_TARGET_DIR": target}
    steps = [
        ["npm", "--prefix", "ui", "run", "build"],
        ["cargo", "build", "--release", "-p", "shomei", "-p", "shomei-resident", "--bins"],
        ["cargo", "build", "--release", "--manifest-path", "bench/bare-tauri/Cargo.toml"],
    ]
    for argv in steps:
        print("+", " ".join(argv), flush=True)
        subprocess.run(argv, cwd=ROOT, env=env, check=True)


def our_bins():
    meta = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    names = set()
    for package in json.loads(meta)["packages"]:
        if package["name"] in ("shomei", "shomei-resident"):
            names |= {t["name"] for t in package["targets"] if "bin" in t["kind"]}
    if "shomei" not in names:
        raise RuntimeError("no binary shomei in cargo metadata")
    return names


class Session:
    """Our own Xvfb and session bus, for every launch of this benchmark."""

    def __init__(self, work):
        r, w = os.pipe()
        self.xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(w,), stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(work, "xvfb.log"), "w"),
        )
        os.close(w)
        with os.fdopen(r) as f:
            number = f.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start (see xvfb.log)")
        self.display = f":{number}"
        self.bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=open(os.path.join(work, "dbus.log"), "w"), text=True,
        )
        self.bus_address = self.bus.stdout.readline().strip()
        if not self.bus_address:
            raise RuntimeError("dbus-daemon did not start (see dbus.log)")
        # A tray host on the bus, as on a desktop with a tray: the tray registers there.
        self.watcher = subprocess.Popen(
            ["/usr/bin/python3", TRAY_HOST],
            env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": self.bus_address},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        if json.loads(self.watcher.stdout.readline() or "{}").get("event") != "ready":
            raise RuntimeError("the StatusNotifierWatcher did not start (python3-dbus, python3-gi?)")
        self.trays = 0
        threading.Thread(target=self._count_trays, daemon=True).start()

    def _count_trays(self):
        for line in self.watcher.stdout:
            if line.startswith('{"event": "registered"'):
                self.trays += 1

    def env(self, home):
        dirs = {
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_DATA_HOME": os.path.join(home, ".local/share"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "XDG_STATE_HOME": os.path.join(home, ".local/state"),
            "SHOMEI_SYSTEM_BANKS_DIR": os.path.join(home, "system-banks"),
        }
        for d in dirs.values():
            os.makedirs(d, exist_ok=True)
        env = {k: v for k, v in os.environ.items()
               if k not in ("WAYLAND_DISPLAY", "SOFTHSM2_CONF", "SHOMEI_DEMO_EXTRAS", "SHOMEI_LOG")}
        env.update(dirs)
        env.update(DISPLAY=self.display, GDK_BACKEND="x11", NO_COLOR="1", LANG="C.UTF-8", LC_ALL="",
                   LC_MESSAGES="", DBUS_SESSION_BUS_ADDRESS=self.bus_address)
        return env

    def close(self):
        self.watcher.stdin.close()
        for p in (self.watcher, self.bus, self.xvfb):
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def wait_closed(root, window_binary, timeout=30):
    """Until the tree holds no WebKit web process (and no window binary)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        names = [comm(p) for p in tree(root)]
        if WEB_PROCESS not in names and (window_binary is None or window_binary not in names):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the window did not close within {timeout} s")


def run_ours(args, session, bins, work, n, window_binary):
    home = tempfile.mkdtemp(prefix=f"ours-{n}-", dir=work)
    # A release build logs to its files only; the marker is read from stderr.
    env = {**session.env(home), "SHOMEI_LOG_CONSOLE": "1"}
    demo = os.path.join(home, "demo")
    made = subprocess.run([bins["shomei"], "--demo-dir", demo, "status", "--json"],
                          env=env, capture_output=True, text=True)
    if not os.path.exists(os.path.join(demo, "bank.toml")):
        raise RuntimeError(f"the demo directory was not made: {made.stderr.strip()}")
    trays = session.trays
    app = Launched([bins["shomei"], "--demo-dir", demo], env, os.path.join(work, f"ours-{n}.log"))
    try:
        shown = app.wait_line(LIST_SHOWN, args.timeout)
        time.sleep(args.settle)
        open_kib, open_parts = tree_pss(app.proc.pid)
        tray = session.trays > trays
        asked = close_windows_of(session.display, set(tree(app.proc.pid)))
        if asked == 0:
            raise RuntimeError("no window of the app found on the display")
        wait_closed(app.proc.pid, window_binary)
        time.sleep(args.resident_wait)
        if not app.alive():
            raise RuntimeError(f"the app exited when its window closed; see ours-{n}.log")
        resident_kib, resident_parts = tree_pss(app.proc.pid)
    finally:
        app.stop()
    return {"shown": shown, "open": open_kib, "open_parts": open_parts, "tray": tray,
            "resident": resident_kib, "resident_parts": resident_parts}


def run_bare(args, session, bins, work, n):
    env = session.env(tempfile.mkdtemp(prefix=f"bare-{n}-", dir=work))
    app = Launched([bins["bare-tauri"]], env, os.path.join(work, f"bare-{n}.log"))
    try:
        shown = app.wait_line(BARE_SHOWN, args.timeout)
        time.sleep(args.settle)
        open_kib, open_parts = tree_pss(app.proc.pid)
    finally:
        app.stop()
    return {"shown": shown, "open": open_kib, "open_parts": open_parts}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=10, help="runs per figure (median; default 10)")
    p.add_argument("--no-build", action="store_true", help="use the release binaries as built")
    p.add_argument("--warmup", type=int, default=1, help="uncounted runs first (default 1)")
    p.add_argument("--keep", action="store_true", help="keep the logs and scratch directories")
    p.add_argument("--settle", type=float, default=3.0,
                   help="seconds after the list is shown before PSS is read (default 3)")
    p.add_argument("--resident-wait", type=float, default=10.0,
                   help="seconds after the window closed before PSS is read (default 10)")
    p.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for a window")
    args = p.parse_args()
    if args.runs < 1:
        p.error("--runs must be at least 1")
    for tool in ("Xvfb", "dbus-daemon", "pkcs11-tool", "npm", "cargo"):
        if not shutil.which(tool):
            sys.exit(f"footprint: {tool} not found; run: bash .ci/setup bench")

    target = os.environ.get("CARGO_TARGET_DIR") or os.path.expanduser("~/.cache/shomei/target")
    if not args.no_build:
        build(target)
    names = our_bins()
    window_binary = "shomei-window" if "shomei-window" in names else None
    release = os.path.join(target, "release")
    bins = {name: os.path.join(release, name) for name in names | {"bare-tauri"}}
    for name in ["shomei", "bare-tauri"] + ([window_binary] if window_binary else []):
        if not os.access(bins[name], os.X_OK):
            sys.exit(f"footprint: {bins[name]} missing (drop --no-build)")

    work = tempfile.mkdtemp(prefix="shomei-footprint-")
    print(f"footprint: layout {'split (shomei + shomei-window)' if window_binary else 'single binary (shomei)'}, "
          f"{args.runs} runs, logs in {work}", flush=True)
    session = Session(work)
    ok = False
    try:
        ours, bare = [], []
        # Warm-up runs first (page cache, fontconfig's cache), not counted.
        for n in range(-args.warmup, args.runs):
            order = [("ours", lambda: ours.append(run_ours(args, session, bins, work, n, window_binary))),
                     ("bare", lambda: bare.append(run_bare(args, session, bins, work, n)))]
            for _, step in (order if n % 2 == 0 else order[::-1]):
                step()
            if n < 0:
                ours.pop()
                bare.pop()
                print(f"  warm-up {n + args.warmup + 1}/{args.warmup} done", flush=True)
                continue
            print(f"  run {n + 1}/{args.runs}: list {ours[-1]['shown'] * 1000:.0f} ms / "
                  f"bare {bare[-1]['shown'] * 1000:.0f} ms; open {ours[-1]['open'] / 1024:.1f} / "
                  f"{bare[-1]['open'] / 1024:.1f} MiB; resident {ours[-1]['resident'] / 1024:.1f} MiB",
                  flush=True)
        cli_env = session.env(tempfile.mkdtemp(prefix="cli-", dir=work))
        profile, module, cli_env, counts = fp_cli.make_token(bins["shomei"], work, cli_env)
        times, peaks = fp_cli.measure(bins["shomei"], profile, module, cli_env, args.runs)
        binaries = {n: bins[n] for n in ["shomei", window_binary, "bare-tauri"] if n}
        binaries["pkcs11-tool"] = shutil.which("pkcs11-tool")
        fp_report.print_report(args.runs, window_binary, ours, bare, times, peaks, counts,
                               binaries, statistics.median)
        ok = True
    finally:
        session.close()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"footprint: logs kept in {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
