#!/usr/bin/env bash
# Install what posture needs beyond Rust, skipping whatever is already present:
#   - the typst CLI at the pinned version (cargo install; ~16 min cold on 2 cores)
#   - fonts: Noto (Latin + Khmer body text) and Khmer OS (chart labels, Latin + Khmer in one family)
#   - poppler-utils (pdftotext/pdftoppm, used by the tests)
# Idempotent and quick when everything is there. Safe to run as root or with sudo available.
set -euo pipefail

TYPST_VERSION="0.15.1"   # keep in step with TYPST_VERSION in src/report/typst.rs

say() { printf 'setup: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; return 1; fi
}

missing_pkgs=()
# Read the font list once: `fc-list | grep -q` under pipefail fails when grep exits early.
fonts=$(fc-list 2>/dev/null || true)
grep -q "Noto Sans Khmer" <<<"$fonts" || missing_pkgs+=(fonts-noto-core)
grep -qi "Khmer OS System" <<<"$fonts" || missing_pkgs+=(fonts-khmeros)
grep -q "DejaVu Sans" <<<"$fonts" || missing_pkgs+=(fonts-dejavu-core)
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing_pkgs+=(poppler-utils)
command -v fc-list >/dev/null || missing_pkgs+=(fontconfig)
if [ ${#missing_pkgs[@]} -gt 0 ]; then
  say "installing ${missing_pkgs[*]} (apt)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
fi

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
typst_ok() {
  local t="$1"
  [ -x "$t" ] || t=$(command -v "$t" 2>/dev/null) || return 1
  local version
  version=$("$t" --version 2>/dev/null) || return 1
  grep -q "^typst ${TYPST_VERSION}\b" <<<"$version"
}
if typst_ok typst || typst_ok "$cargo_bin/typst"; then
  :
else
  say "installing typst-cli ${TYPST_VERSION} with cargo (takes ~16 minutes on 2 cores, once)"
  cargo install typst-cli --version "${TYPST_VERSION}" --locked --quiet
fi
say "ready: typst ${TYPST_VERSION}, fonts, poppler-utils"
