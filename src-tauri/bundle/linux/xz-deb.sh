#!/usr/bin/env bash
# Repacks the .deb Tauri's bundler writes (its data.tar is gzip) with xz, dpkg's own
# default: the same files, about half the download. With TAURI_SIGNING_PRIVATE_KEY (and
# _PASSWORD) in the environment, as on the release machine, the updater's signature is
# made again for the repacked file (DEB.sig), since the bundler's was for the gzip one.
#
#   bash src-tauri/bundle/linux/xz-deb.sh DEB [OUT]     (OUT defaults to DEB, replaced)
#   XZ_LEVEL=0 ...                                      faster, larger (CI's debug package)
set -euo pipefail
in="$1"
out="${2:-$1}"
was="$(du -h "$in" | cut -f1)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -R "$in" "$tmp/root"
dpkg-deb --root-owner-group -Zxz -z"${XZ_LEVEL:-9}" -b "$tmp/root" "$tmp/xz.deb" >/dev/null
mv -f "$tmp/xz.deb" "$out"
echo "xz-deb: $out ($(du -h "$out" | cut -f1); Tauri's gzip one was $was)"
if [[ -n ${TAURI_SIGNING_PRIVATE_KEY:-} ]]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  (cd "$root" && npm run --silent tauri -- signer sign "$(realpath "$out")")
  echo "xz-deb: signed $out.sig"
fi
