#!/usr/bin/env bash
# Idempotent set-up of everything `make test` and `make demo` need on a fresh Debian 12 or 13
# machine (root, or a user with sudo for the Debian packages). Nothing is compiled: every Python
# package comes as a wheel. Two environments, both from Debian's interpreter:
#   .venv       the engine (`python -m core`), training and the unit-test tools: a plain venv
#               of pinned wheels that sees none of the system's packages;
#   .venv-qgis  the QGIS tests: Debian's Python, QGIS and its bindings (--system-site-packages)
#               plus pytest, pytest-qgis and pytest-timeout only.
# The plugin never loads the engine's packages into QGIS, so their libraries cannot clash with
# the ones QGIS has loaded. A second run finds everything in place and returns in seconds.
#
#   scripts/setup.sh            both environments
#   scripts/setup.sh engine     .venv only (no QGIS needed: a GPU machine, a cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}

PIP=(-m pip install -q --disable-pip-version-check)
quiet_pip() {  # the machine's pip configuration names index folders that may not exist
    grep -v "is ignored: it is neither a file nor a directory" || true
}

apt_packages=(python3-venv)
[ "$what" = engine ] || apt_packages+=(python3-qgis qgis-providers qgis xvfb xauth)
missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# make_venv DIR REQUIREMENTS [VENV OPTIONS]: create DIR from Debian's interpreter (the first
# python3 on PATH may be another build that cannot import qgis) and install REQUIREMENTS under
# constraints.txt; the stamp, written last, holds the hash of everything that decides the result.
make_venv() {
    local venv=$1 requirements=$2
    shift 2
    local stamp="$venv/.requirements.sha256" wanted
    wanted=$(cat requirements*.txt constraints.txt scripts/setup.sh | sha256sum | cut -d' ' -f1)
    [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ] && return 0
    if [ -L "$venv" ]; then
        echo "setup: $venv is a link to another environment; remove it to build one here" >&2
        exit 1
    fi
    if [ ! -x "$venv/bin/python" ]; then
        echo "setup: creating $venv"
        /usr/bin/python3 -m venv "$@" "$venv"
    fi
    echo "setup: installing $requirements into $venv"
    "$venv/bin/python" "${PIP[@]}" --only-binary :all: -r "$requirements" -c constraints.txt 2>&1 \
        | quiet_pip
    echo "$wanted" > "$stamp"
}

make_venv .venv requirements-dev.txt
[ "$what" = engine ] || make_venv .venv-qgis requirements-qgis.txt --system-site-packages
echo "setup: ready"
