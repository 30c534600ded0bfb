# Sourced by bin/run and bin/test: make sure .venv exists and has the pinned packages.
# Usage: ensure_venv requirements.txt [requirements-dev.txt]
set -euo pipefail

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3, 11), (3, 12)) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 (or 3.12) is needed: install it or set PYTHON=/path/to/python3.11" >&2
  return 1
}

ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    local python; python=$(find_python)
    echo "[fotomalovanky] creating .venv with $python"
    "$python" -m venv .venv
  fi
  # Reinstall only when a requirements file changed (its hash is kept in .venv).
  local stamp=.venv/.requirements.sha256 wanted
  wanted=$(cat "$@" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "[fotomalovanky] installing $*"
    local reqs=(); for f in "$@"; do reqs+=(-r "$f"); done
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "${reqs[@]}"
    echo "$wanted" > "$stamp"
  fi
}
