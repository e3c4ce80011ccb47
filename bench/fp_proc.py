"""Processes for the footprint benchmark: a launched app whose stderr lines are
timestamped as they arrive, its process tree, and the tree's PSS (smaps_rollup)."""

import os
import re
import signal
import subprocess
import threading
import tempfile
import time


def children_map():
    """ppid -> [pid] over every process visible in /proc."""
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # comm may hold spaces and parentheses: the fields follow the last ')'.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(root):
    """`root` and all its descendants that are alive now."""
    kids = children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if os.path.exists(f"/proc/{pid}"):
            out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def pss_kib(pid):
    """The process's PSS in KiB (smaps_rollup), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def tree_pss(root):
    """(total KiB, [(pid, comm, KiB)]) over the tree of `root`."""
    parts = []
    for pid in tree(root):
        kib = pss_kib(pid)
        if kib is not None:
            parts.append((pid, comm(pid), kib))
    return sum(k for _, _, k in parts), parts


class Launched:
    """A process started now, with each stderr line kept with its arrival time
    (seconds since the launch, monotonic clock)."""

    def __init__(self, argv, env, log_path):
        self.argv = argv
        self.lines = []
        self._cond = threading.Condition()
        self._log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.PIPE, start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in self.proc.stderr:
            t = time.monotonic() - self.t0
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self._log.write(f"[{t:9.3f}] {line}\n")
            self._log.flush()
            with self._cond:
                self.lines.append((t, line))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_line(self, pattern, timeout):
        """Seconds since launch at which a stderr line matched `pattern`."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for t, line in self.lines[seen:]:
                    if rx.search(line):
                        return t
                seen = len(self.lines)
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise RuntimeError(
                        f"{os.path.basename(self.argv[0])} exited ({self.proc.returncode}) "
                        f"before /{pattern}/; see {self._log.name}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"no /{pattern}/ within {timeout} s; see {self._log.name}")
                self._cond.wait(min(left, 0.5))

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """Ends the launched process and whatever of its tree is left (by pid, the
        processes this benchmark started and their children only)."""
        pids = tree(self.proc.pid)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in pids):
            time.sleep(0.1)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=5)
        self._log.close()


def run_measured(argv, env, stdout=subprocess.DEVNULL):
    """Runs `argv` to its end: (exit code, wall seconds, peak RSS KiB, stderr).

    The peak comes from GNU time (`/usr/bin/time -f %M`), not from this process's wait4:
    a child forked from Python starts as a copy of Python's memory, and the kernel counts
    that copy in the child's ru_maxrss when it execs (every command then "peaks" at
    Python's RSS). time's own child is forked from time, a couple of MiB."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as rss:
        t0 = time.monotonic()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv], env=env,
                                stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE)
        err = proc.stderr.read()
        proc.wait()
        wall = time.monotonic() - t0
        lines = [line for line in rss.read().splitlines() if line.strip()]
    # time writes "Command exited with non-zero status N" before the figure on failure.
    peak = int(lines[-1]) if lines and lines[-1].strip().isdigit() else 0
    return proc.returncode, wall, peak, err.decode("utf-8", "replace")
