#!/usr/bin/env bash
# Idempotent set-up of everything `make test` needs on a fresh Debian 12 machine (root):
# Debian's QGIS, a virtual environment that sees it, and the pinned pip packages.
# A second run finds everything in place and returns in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

# The -dev packages and compilers: netCDF4, shapely, rasterio and pyogrio are built against the
# system's netCDF/HDF5, GEOS and GDAL, the libraries QGIS itself runs. Their pip wheels bundle
# other versions, which crash or misbehave inside qgis_process and the desktop application
# (docs/qgis.md, "Linux distributions").
APT_PACKAGES=(python3-qgis qgis-providers python3-venv qgis xvfb xauth
              libnetcdf-dev libhdf5-dev libgdal-dev libgeos-dev python3-dev gcc g++)
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
wanted=$(cat requirements.txt requirements-train.txt requirements-dev.txt constraints.txt \
    scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "setup: installing Python packages"
    echo "setup: (netCDF4, shapely, rasterio, pyogrio are compiled: about 5 minutes on 2 cores)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
        --no-binary netCDF4,shapely,rasterio,pyogrio \
        -r requirements-dev.txt -c constraints.txt 2>&1 \
        | { grep -v "is ignored: it is neither a file nor a directory\|DEPRECATION: --no-binary" \
            || true; }
    # A venv made before these were compiled still holds their wheels: rebuild those.
    stale=$("$VENV/bin/python" -c 'from core.native import bundled_libraries as bundled
print(" ".join(m for m in ("netCDF4", "shapely", "rasterio", "pyogrio") if bundled(m)))')
    if [ -n "$stale" ]; then
        echo "setup: compiling $stale against the system libraries"
        pins=$(for m in $stale; do grep -o "^$m==[^ ]*" requirements.txt; done)
        # shellcheck disable=SC2086  # one word per pin
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall \
            --no-deps --no-binary "${stale// /,}" $pins 2>&1 \
            | { grep -v "is ignored: it is neither a file nor a directory\|DEPRECATION" || true; }
    fi
    # The shapely wheel (its own GEOS >= 3.12) kept aside for a test of the draft chart's
    # smoothing, the path users of wheels get; this project's shapely runs the system GEOS.
    rm -rf "$VENV/shapely-wheel"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --only-binary shapely \
        --no-deps --target "$VENV/shapely-wheel" "$(grep -o '^shapely==[^ ]*' requirements.txt)" \
        2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
    echo "$wanted" > "$stamp"
fi
echo "setup: ready"
