"""The command line's part of the footprint benchmark: a SoftHSM token holding 3
certificates, 4 keys and 200 data objects, and `shomei status --json` against
`pkcs11-tool --list-objects` on it (neither logs in: `status` reads a token's public
objects only, so pkcs11-tool is asked for the same)."""

import base64
import os
import re
import statistics
import subprocess

from fp_proc import run_measured

DEMO_PIN = "123456"  # the embedded demo's PIN, public on purpose (shomei_engine::demo)
TOKEN_LABEL = "Shomei Demo USB"
DATA_OBJECTS = 200
APPLICATION = "jp.shomei.bench"


def _pem_to_der(pem_text):
    body = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem_text, re.S)
    if not body:
        raise RuntimeError("no certificate in the demo's ca.pem")
    return base64.b64decode("".join(body.group(1).split()))


def _tool(pkcs11_tool, module, env, *args, login=False):
    argv = [pkcs11_tool, "--module", module, "--token-label", TOKEN_LABEL]
    if login:
        # pkcs11-tool takes a PIN only on its command line; this is the demo's public PIN.
        argv += ["--login", "--pin", DEMO_PIN]
    r = subprocess.run(argv + list(args), env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"pkcs11-tool {' '.join(args)}: {r.stderr.strip() or r.stdout.strip()}")
    return r.stdout


def make_token(shomei, work, env):
    """A demo directory under `work` whose token holds 3 certificates (the demo
    identity, the expired one, and the bank CA's certificate without a key), their 2
    key pairs (4 key objects) and 200 public data objects of another application.
    Returns (profile path, SoftHSM module, env for both tools)."""
    demo = os.path.join(work, "cli-demo")
    # The demo with its expired identity: 2 certificates, 2 key pairs on the token.
    first = subprocess.run(
        [shomei, "--demo-dir", demo, "status", "--json"],
        env={**env, "SHOMEI_DEMO_EXTRAS": "expired"}, capture_output=True, text=True,
    )
    profile = os.path.join(demo, "bank.toml")
    if not os.path.exists(profile):
        raise RuntimeError(f"shomei --demo-dir made no profile: {first.stderr.strip()}")
    with open(profile, encoding="utf-8") as f:
        module = re.search(r'^module = "(.*)"$', f.read(), re.M).group(1)
    env = {**env, "SOFTHSM2_CONF": os.path.join(demo, "softhsm", "softhsm2.conf")}
    pkcs11_tool = "pkcs11-tool"
    ca_der = os.path.join(work, "ca.der")
    with open(os.path.join(demo, "ca.pem"), encoding="ascii") as f, open(ca_der, "wb") as out:
        out.write(_pem_to_der(f.read()))
    _tool(pkcs11_tool, module, env, "--write-object", ca_der, "--type", "cert",
          "--id", "ff01", "--label", "Demo Bank CA", login=True)
    blob = os.path.join(work, "data.bin")
    for n in range(DATA_OBJECTS):
        with open(blob, "wb") as out:
            out.write(f"bench data object {n:03d} ".encode() * 8)
        _tool(pkcs11_tool, module, env, "--write-object", blob, "--type", "data",
              "--label", f"bench-{n:03d}", "--application-label", APPLICATION, login=True)
    listing = _tool(pkcs11_tool, module, env, "--list-objects", login=True)
    counts = {
        "certificates": len(re.findall(r"^Certificate Object", listing, re.M)),
        "keys": len(re.findall(r"^(?:Private|Public) Key Object", listing, re.M)),
        "data objects": len(re.findall(r"^Data object", listing, re.M)),
    }
    wanted = {"certificates": 3, "keys": 4, "data objects": DATA_OBJECTS}
    if counts != wanted:
        raise RuntimeError(f"the token holds {counts}, not {wanted}")
    return profile, module, env, counts


def measure(shomei, profile, module, env, runs):
    """Medians over `runs` (after one warm-up each) of wall seconds and peak RSS KiB."""
    commands = {
        "status": [shomei, "--profile", profile, "status", "--json"],
        "pkcs11-tool": ["pkcs11-tool", "--module", module, "--token-label", TOKEN_LABEL,
                        "--list-objects"],
        "help": [shomei, "--help"],
    }
    # The warm-up also checks that both see the token: status lists the 3 certificates.
    code, _, _, err = run_measured(commands["pkcs11-tool"], env)
    if code != 0:
        raise RuntimeError(f"pkcs11-tool --list-objects failed ({code}): {err.strip()}")
    r = subprocess.run(commands["status"], env=env, capture_output=True, text=True)
    found = len(re.findall(r'"fingerprint"', r.stdout))
    if r.returncode != 0 or found < 3:
        raise RuntimeError(f"shomei status --json ({r.returncode}, {found} fingerprints): "
                           f"{r.stderr.strip()}")
    run_measured(commands["help"], env)
    times = {k: [] for k in commands}
    peaks = {k: [] for k in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            code, wall, peak, err = run_measured(argv, env)
            if code != 0:
                raise RuntimeError(f"{' '.join(argv)} exited {code}: {err.strip()}")
            times[name].append(wall)
            peaks[name].append(peak)
    return ({k: statistics.median(v) for k, v in times.items()},
            {k: statistics.median(v) for k, v in peaks.items()})
