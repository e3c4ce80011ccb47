#!/usr/bin/env python3
"""The secret-leak sweep's scanner (.ci/test leak-sweep; issue 14 item 3).

    leak-sweep.py [--key-pem FILE]... [--expect N] PATH...

Searches every file under each PATH (zip files are opened and each entry searched)
for the secrets the tests use — PINs, bank and proxy passwords, listed below and
each checked to still be in the test code — for PEM private-key blocks, and for the
bytes (a base64 line, a hex run) of each private key named by --key-pem (keys the
tests made in software). Prints what it scanned (files, bytes) and every finding
(file:line, which secret), and exits 1 when the number of findings is not --expect
(default 0): the self-test plants one leak and expects exactly 1.
"""

import argparse
import base64
import os
import re
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (name, value): the secrets the test code types, sends or stores. A value made of
# digits only matches only as a number of its own (not inside a longer number, a
# fingerprint, base64 or a time's fraction).
SECRETS = [
    ("demo PIN (DEMO_PIN, the SoftHSM tests' USER_PIN)", "123456"),
    ("e2e wrong PIN", "999999"),
    ("engine tests' wrong PIN", "000000"),
    ("logging test's wrong PIN", "WrongPin-7c1d"),
    ("CLI test's wrong PIN", "zq-wrong-pin"),
    ("engine test's wrong PIN", "wrong-pin-0"),
    ("demo SO PIN", "demo-so-0000"),
    ("store tests' SO PIN", "so-pin-1234"),
    ("store tests' SO PIN", "so-pin-2468"),
    ("store tests' SO PIN", "so-pin-9876"),
    ("crash matrix SO PIN", "crash-so-pin"),
    ("a test's PIN", "hunter2-パス"),
    ("proxy password (profile tests)", "hunter2"),
    ("a test's PIN", "open sesame"),
    ("bank password (HTTP auth test)", "himitsu-パスワード-42"),
    ("bank password (csrattrs test)", "Kessai-2026!ワンタイム"),
    ("bank password (engine test)", "wrong-pw-7"),
    ("proxy password (proxy test)", "s3cret-pw"),
    ("proxy password (support bundle test)", "Pr0xy-Secret-9f2e"),
]

# Where a secret is said on purpose: the demo's PIN is public (the demo prints it and
# its window shows it, so anyone can try the demo).
ALLOWED = [
    re.compile(rb"PIN 123456"),
    # AppInfo.demoPin, also as JSON inside JSON (the e2e IPC capture).
    re.compile(rb'\\?"demoPin\\?": ?\\?"123456\\?"'),
]

PEM_PRIVATE = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
SKIP_EXT = {".png", ".jpg", ".gif", ".ico", ".wasm"}


def pattern(value):
    raw = re.escape(value.encode())
    if value.isdigit():
        return re.compile(rb"(?<![0-9A-Za-z+/.])" + raw + rb"(?![0-9A-Za-z+/])")
    return re.compile(raw)


def stale_secrets():
    """Secrets the test code no longer contains (the list must follow the tests)."""
    stale = []
    for name, value in SECRETS:
        r = subprocess.run(
            ["git", "-C", ROOT, "grep", "-qF", value, "--", "src-tauri", "tests"],
            check=False,
        )
        if r.returncode != 0:
            stale.append(f"{name}: {value!r}")
    return stale


def key_patterns(pem_file):
    """A base64 line from inside the key and a hex run of its DER bytes."""
    text = open(pem_file, encoding="ascii").read()
    body = [
        l.strip()
        for l in text.splitlines()
        if l.strip() and not l.startswith("-----")
    ]
    der = base64.b64decode("".join(body))
    found = []
    if len(body) > 2:
        found.append((f"private key {os.path.basename(pem_file)} (base64)", body[1][8:56]))
    middle = der[len(der) // 2 : len(der) // 2 + 24]
    found.append((f"private key {os.path.basename(pem_file)} (hex)", middle.hex()))
    found.append((f"private key {os.path.basename(pem_file)} (HEX)", middle.hex().upper()))
    return found


def scan_bytes(label, data, checks, findings):
    for name, rx in checks:
        for m in rx.finditer(data):
            start = data.rfind(b"\n", 0, m.start()) + 1
            end = data.find(b"\n", m.end())
            line = data[start : end if end >= 0 else len(data)]
            at = (m.start() - start, m.end() - start)
            spans = [a.span() for rx in ALLOWED for a in rx.finditer(line)]
            if any(s <= at[0] and at[1] <= e for s, e in spans):
                continue
            lineno = data.count(b"\n", 0, m.start()) + 1
            findings.append(f"{label}:{lineno}: {name}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key-pem", action="append", default=[])
    ap.add_argument("--expect", type=int, default=0)
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()

    stale = stale_secrets()
    if stale:
        print("leak-sweep: these secrets are no longer in the test code; update .ci/leak-sweep.py:")
        print("\n".join("  " + s for s in stale))
        return 1
    checks = [(name, pattern(value)) for name, value in SECRETS]
    for pem in args.key_pem:
        checks += [(name, pattern(value)) for name, value in key_patterns(pem)]
    checks.append(("a PEM private key", PEM_PRIVATE))

    findings, files, size, entries = [], 0, 0, 0
    for root in args.paths:
        walk = [(root, [], [os.path.basename(root)])] if os.path.isfile(root) else None
        for dirpath, _, names in walk or os.walk(root):
            for n in names:
                path = dirpath if walk else os.path.join(dirpath, n)
                if os.path.splitext(n)[1].lower() in SKIP_EXT or not os.path.isfile(path):
                    continue
                files += 1
                if zipfile.is_zipfile(path):
                    with zipfile.ZipFile(path) as z:
                        for info in z.infolist():
                            data = z.read(info)
                            entries += 1
                            size += len(data)
                            scan_bytes(f"{path}!{info.filename}", data, checks, findings)
                    continue
                with open(path, "rb") as f:
                    data = f.read()
                size += len(data)
                scan_bytes(path, data, checks, findings)
    print(
        f"leak-sweep: scanned {files} files ({entries} zip entries), {size:,} bytes, "
        f"for {len(checks)} patterns ({len(SECRETS)} test secrets, {len(args.key_pem)} software keys, PEM private keys)"
    )
    for f in findings:
        print(f"  FOUND {f}")
    if len(findings) != args.expect:
        print(f"leak-sweep: expected {args.expect} finding(s), found {len(findings)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
