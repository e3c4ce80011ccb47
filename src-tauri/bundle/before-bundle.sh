#!/usr/bin/env bash
# tauri.conf.json's beforeBundleCommand: `tauri build` has just built the window
# (`shomei-window`); this builds the resident and command line (`shomei`, package
# shomei-resident, which never links the webview) with the same profile and target,
# and puts it where the bundle configuration picks it up:
#   src-tauri/gen/resident/shomei[.exe]   (.deb: /usr/bin/shomei; NSIS: $INSTDIR\shomei.exe)
#   src-tauri/gen/man/*.1.gz, gen/doc/changelog.gz   (.deb: the manual pages, the changelog)
# Tauri sets TAURI_ENV_DEBUG=true for --debug builds and TAURI_ENV_TARGET_TRIPLE always.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# -p shomei too, though only the resident's bin is built: cargo then resolves the
# dependencies' features as it did for the window (shomei depends on shomei-resident), so
# everything already compiled is reused; `-p shomei-resident` alone would rebuild them.
args=(build -p shomei -p shomei-resident --bin shomei)
profile=release
if [[ ${TAURI_ENV_DEBUG:-} == true ]]; then profile=debug; else args+=(--release); fi

host="$(rustc -vV | sed -n 's/^host: //p')"
triple="${TAURI_ENV_TARGET_TRIPLE:-$host}"
# Only a cross build names its target: for the host, cargo's output (and everything
# already compiled) is in <target dir>/<profile>, where `tauri build` put the window.
sub="$profile"
if [[ $triple != "$host" ]]; then
  args+=(--target "$triple")
  sub="$triple/$profile"
fi
if [[ ${CI:-} == true ]]; then args+=(--locked); fi

exe=shomei
if [[ $triple == *windows* ]]; then exe=shomei.exe; fi

echo "before-bundle: cargo ${args[*]}"
cargo "${args[@]}"
target_dir="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
mkdir -p src-tauri/gen/resident
install -m 0755 "$target_dir/$sub/$exe" "src-tauri/gen/resident/$exe"
echo "before-bundle: src-tauri/gen/resident/$exe ($(du -h "src-tauri/gen/resident/$exe" | cut -f1))"

# The .deb's manual pages and changelog, compressed as Debian wants them (gzip -n: no name
# or time, so the same text gives the same bytes). The changelog goes through `files`:
# bundle.linux.deb.changelog would put it under the product's name, /usr/share/doc/Shomei.
mkdir -p src-tauri/gen/man src-tauri/gen/doc
for page in shomei shomei-window; do
  gzip -9n <"src-tauri/bundle/linux/$page.1" >"src-tauri/gen/man/$page.1.gz"
done
gzip -9n <src-tauri/bundle/linux/changelog >src-tauri/gen/doc/changelog.gz
