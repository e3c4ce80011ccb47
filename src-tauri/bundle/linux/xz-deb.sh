#!/usr/bin/env bash
# Repacks the .deb Tauri's bundler writes (its data.tar is gzip) with xz, dpkg's own
# default: the same files, about half the download. With TAURI_SIGNING_PRIVATE_KEY (and
# _PASSWORD; or _PATH) in the environment, as on the release machine, the updater's signature is
# made again for the repacked file (DEB.sig, bound to the package's version), since the
# bundler's was for the gzip one.
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
if [[ -n ${TAURI_SIGNING_PRIVATE_KEY:-}${TAURI_SIGNING_PRIVATE_KEY_PATH:-} ]]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  # Bound to the package's version: the updater (requireSignedVersion) refuses a
  # signature that does not name the version the manifest announces.
  version="$(dpkg-deb --field "$out" Version)"
  (cd "$root" && npm run --silent tauri -- signer sign --app-version "$version" "$(realpath "$out")")
  echo "xz-deb: signed $out.sig"
fi
