"""The footprint benchmark's table: medians, the goals of issue 12 beside them."""

import subprocess

MIB = 1024  # smaps_rollup and ru_maxrss count KiB
TRAY_GOAL_KIB = 20e6 / 1024  # 20 MB PSS for the whole tree (19.1 MiB)
CLI_PEAK_GOAL_KIB = 20 * 1024  # 20 MiB


def _verdict(ok):
    return "met" if ok else "MISSED"


def _libraries(path):
    r = subprocess.run(["ldd", path], capture_output=True, text=True)
    return len(r.stdout.splitlines()) if r.returncode == 0 else None


def _parts(runs, key, median):
    """Median PSS per process name over the runs (names summed within a run)."""
    per_name = {}
    for run in runs:
        sums = {}
        for _, name, kib in run[key]:
            sums[name] = sums.get(name, 0) + kib
        for name, kib in sums.items():
            per_name.setdefault(name, []).append(kib)
    return ", ".join(f"{name} {median(v) / MIB:.1f}" for name, v in
                     sorted(per_name.items(), key=lambda kv: -median(kv[1])))


def print_report(runs, window_binary, ours, bare, times, peaks, counts, binaries, median):
    med = lambda rows, key: median([r[key] for r in rows])  # noqa: E731
    shown, bare_shown = med(ours, "shown"), med(bare, "shown")
    open_kib, bare_open = med(ours, "open"), med(bare, "open")
    resident = med(ours, "resident")
    layout = f"split ({window_binary} on demand)" if window_binary else "single binary"
    print()
    print(f"Shomei footprint, release, Xvfb, layout: {layout}; medians of {runs} runs")
    print(f"{'':34} {'Shomei':>10} {'peer':>10} {'ratio':>7}  goal")
    rows = [
        ("first list vs bare window shown", f"{shown * 1000:.0f} ms", f"{bare_shown * 1000:.0f} ms",
         shown / bare_shown, 1.05),
        ("PSS tree, window open", f"{open_kib / MIB:.1f} MiB", f"{bare_open / MIB:.1f} MiB",
         open_kib / bare_open, 1.10),
    ]
    for label, a, b, ratio, goal in rows:
        print(f"{label:34} {a:>10} {b:>10} {ratio:>6.2f}x  <= {goal:.2f}x  {_verdict(ratio <= goal)}")
    print(f"{'PSS tree, tray-resident (10 s)':34} {resident / MIB:>6.1f} MiB {'':>10} {'':>7}  "
          f"<= 20 MB (19.1 MiB)  {_verdict(resident <= TRAY_GOAL_KIB)}")
    t, pk = times["status"], times["pkcs11-tool"]
    print(f"{'CLI status --json, time':34} {t * 1000:>7.1f} ms {pk * 1000:>7.1f} ms {t / pk:>6.2f}x"
          f"  <= 2.00x  {_verdict(t <= 2 * pk)}   (peer: pkcs11-tool --list-objects)")
    print(f"{'CLI status --json, peak RSS':34} {peaks['status'] / MIB:>6.1f} MiB "
          f"{peaks['pkcs11-tool'] / MIB:>6.1f} MiB {'':>7}  <= 20 MiB  "
          f"{_verdict(peaks['status'] <= CLI_PEAK_GOAL_KIB)}")
    print(f"{'shomei --help':34} {times['help'] * 1000:>7.1f} ms {peaks['help'] / MIB:>6.1f} MiB peak")
    print()
    trays = sum(1 for r in ours if r["tray"])
    print(f"tray registered with the StatusNotifierWatcher in {trays}/{len(ours)} runs")
    print(f"token: {counts['certificates']} certificates, {counts['keys']} keys, "
          f"{counts['data objects']} data objects (SoftHSM)")
    print("ldd | wc -l: " + ", ".join(f"{name} {_libraries(path)}" for name, path in binaries.items()))
    print("PSS by process (MiB, medians), window open:  " + _parts(ours, "open_parts", median))
    print("                                 peer open:  " + _parts(bare, "open_parts", median))
    print("                            tray-resident:  " + _parts(ours, "resident_parts", median))
