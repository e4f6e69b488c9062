#!/usr/bin/env bash
# Idempotent set-up of everything `make test` needs on a fresh Debian 12 machine (root):
# Debian's QGIS, a virtual environment that sees it, and the pinned pip packages.
# A second run finds everything in place and returns in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3-qgis qgis-providers python3-venv qgis xvfb xauth)
VENV=.venv

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian's interpreter, not the first python3 on PATH: only Debian's can import qgis.
if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating $VENV"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi

stamp="$VENV/.requirements.sha256"
wanted=$(cat requirements.txt requirements-train.txt requirements-dev.txt constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "setup: installing Python packages"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
        -r requirements-dev.txt -c constraints.txt 2>&1 \
        | { grep -v "is ignored: it is neither a file nor a directory" || true; }
    echo "$wanted" > "$stamp"
fi
echo "setup: ready"
