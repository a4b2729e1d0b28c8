#!/usr/bin/env bash
# Create (or update) the project's virtualenv from pinned dependencies. Safe to run again.
#
# A virtualenv belongs to the checkout that built it: its .pth puts that checkout's src/ and generated/ on the path
# and its tools' shebangs name its own python, so another checkout using it would run (and edit) the first one's
# files. The owner is recorded in $VENV/.owner. This checkout's own .venv built by another checkout (a `cp -r`
# copy) is rebuilt; any other virtualenv that belongs elsewhere is never written to.
set -euo pipefail
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
HERE=$(pwd -P)

# The checkout a virtualenv belongs to: its .owner, or for one an older bootstrap built, where its .pth points.
owner_of() {
  if [ -f "$1/.owner" ]; then
    head -n 1 "$1/.owner"
    return
  fi
  local pth
  for pth in "$1"/lib/python3*/site-packages/fireworks_gateway_contract_paths.pth; do
    if [ -f "$pth" ]; then
      head -n 1 "$pth" | sed 's#/generated$##'
      return
    fi
  done
}

if [ -e "$VENV" ] || [ -L "$VENV" ]; then
  owner=$(owner_of "$VENV")
  if [ "$owner" != "$HERE" ]; then
    if [ "$VENV" = ".venv" ] && [ -d "$VENV" ] && [ ! -L "$VENV" ] && [ -f "$VENV/pyvenv.cfg" ]; then
      echo "$VENV was built by ${owner:-another checkout}, not by $HERE (a copied checkout?): rebuilding it" >&2
      rm -rf "$VENV"
    else
      echo "error: the virtualenv $VENV belongs to ${owner:-another checkout (or to none)}, not to $HERE;" \
        "bootstrap will not write into it. Remove it, or use this checkout's own (make without VENV=)." >&2
      exit 1
    fi
  fi
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: $PYTHON not found; install Python >= 3.11 or run make PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: $("$PYTHON" --version 2>&1) is too old: the generated client needs Python >= 3.11 (make PYTHON=python3.11)" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "creating $VENV with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv "$VENV"
fi
echo "$HERE" > "$VENV/.owner"
echo "installing pinned dependencies into $VENV (constraints.txt)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
# New top-level packages under src/ and generated/ must import without reinstalling.
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf '%s\n' "$HERE/generated" "$HERE/src" > "$site/fireworks_gateway_contract_paths.pth"
