#!/usr/bin/env bash
# Install what posture needs beyond Rust, skipping whatever is already present:
#   - the typst CLI at the pinned version (cargo install; ~16 min cold on 2 cores)
#   - fonts: Noto (Latin + Khmer body text) and Khmer OS (chart labels, Latin + Khmer in one family)
#   - poppler-utils (pdftotext/pdftoppm, used by the tests)
#   - compliance-trestle at the version pinned in tools/oscal-check/requirements.txt, in a
#     Python venv outside the clone (POSTURE_OSCAL_VENV, default ~/.cache/posture-oscal-venv),
#     which the OSCAL test loads every exported file with; python3-venv via apt if missing
# Idempotent and quick when everything is there. Safe to run as root or with sudo available.
set -euo pipefail

TYPST_VERSION="0.15.1"   # keep in step with TYPST_VERSION in src/report/typst.rs

say() { printf 'setup: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; return 1; fi
}

root="$(cd "$(dirname "$0")/.." && pwd)"
oscal_venv="${POSTURE_OSCAL_VENV:-$HOME/.cache/posture-oscal-venv}"
oscal_req="$root/tools/oscal-check/requirements.txt"
trestle_version=$(sed -n 's/^compliance-trestle==//p' "$oscal_req")
trestle_ok() {
  "$oscal_venv/bin/python" - "$trestle_version" 2>/dev/null <<'PY'
import importlib.metadata, sys
sys.exit(importlib.metadata.version("compliance-trestle") != sys.argv[1])
PY
}

missing_pkgs=()
# Read the font list once: `fc-list | grep -q` under pipefail fails when grep exits early.
fonts=$(fc-list 2>/dev/null || true)
grep -q "Noto Sans Khmer" <<<"$fonts" || missing_pkgs+=(fonts-noto-core)
grep -qi "Khmer OS System" <<<"$fonts" || missing_pkgs+=(fonts-khmeros)
grep -q "DejaVu Sans" <<<"$fonts" || missing_pkgs+=(fonts-dejavu-core)
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing_pkgs+=(poppler-utils)
command -v fc-list >/dev/null || missing_pkgs+=(fontconfig)
# compliance-trestle 5.2 needs Python 3.11 or later.
pick_python() {
  local p
  for p in python3 python3.13 python3.12 python3.11; do
    if command -v "$p" >/dev/null && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  return 1
}
need_trestle=false
if ! trestle_ok; then
  need_trestle=true
  python=$(pick_python) || { python=python3; missing_pkgs+=(python3); }
  # A venv needs ensurepip, which Debian ships in python3-venv.
  "$python" -c 'import ensurepip, venv' 2>/dev/null || missing_pkgs+=(python3-venv)
fi
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
if $need_trestle; then
  say "installing compliance-trestle ${trestle_version} into ${oscal_venv} (pip, about 20 s)"
  python=$(pick_python) || { say "compliance-trestle ${trestle_version} needs Python 3.11 or later (found: $(python3 --version 2>&1))"; exit 1; }
  "$python" -m venv --clear "$oscal_venv"
  "$oscal_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$oscal_req"
  trestle_ok || { say "compliance-trestle ${trestle_version} did not install into ${oscal_venv}"; exit 1; }
fi
say "ready: typst ${TYPST_VERSION}, fonts, poppler-utils, compliance-trestle ${trestle_version}"
