#!/usr/bin/env bash
# Run make targets of this repository's committed HEAD inside a Debian chroot: a fresh machine
# of another Debian release or QGIS, on this one. Needs root and debootstrap (installed here when
# missing). The chroot is made once per suite and kept; the repository copy is made anew.
#
#   scripts/chroot_run.sh SUITE TARGET...
#     SUITE: bookworm, trixie (that release's QGIS: 3.22, 3.40), or bookworm-backports,
#            trixie-backports (QGIS 3.40, 3.44 from the backports on that release)
#   CHROOTS=DIR (default build/chroots), MIRROR=URL (default the first of this machine's apt
#   sources, else deb.debian.org); PYTEST_ADDOPTS passes through
#
# Every mount is undone on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:?usage: scripts/chroot_run.sh SUITE TARGET...}
shift
release=${suite%-backports}
chroots=${CHROOTS:-build/chroots}
root=$(realpath -m "$chroots/$suite")
default_mirror=$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d \
    /etc/apt/sources.list 2>/dev/null | head -1 | grep -oE 'https?://[^ ]+' || true)
mirror=${MIRROR:-${default_mirror:-http://deb.debian.org/debian}}
log() { echo "chroot[$suite]: $*"; }

[ "$(id -u)" -eq 0 ] || { echo "chroot_run.sh needs root (chroot, mount)" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -q && apt-get install -y -q debootstrap; }

if [ ! -f "$root/.debootstrapped" ]; then
    log "debootstrap $release into $root (a few minutes)"
    mkdir -p "$root"
    debootstrap --variant=minbase --include=ca-certificates,make,git,sudo "$release" "$root" "$mirror"
    if [ "$suite" != "$release" ]; then
        echo "deb $mirror $suite main" > "$root/etc/apt/sources.list.d/backports.list"
    fi
    touch "$root/.debootstrapped"
fi

mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
bind() {  # bind SOURCE TARGET-INSIDE [ro]
    mkdir -p "$root$2"
    mount --bind "$1" "$root$2"
    mounted+=("$root$2")
    [ "${3:-}" = ro ] && mount -o remount,bind,ro "$root$2"
    return 0
}
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount -t sysfs sys "$root/sys" && mounted+=("$root/sys")
bind /dev /dev
mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666 2>/dev/null \
    && mounted+=("$root/dev/pts") || true
mount -t tmpfs -o size=2g tmpfs "$root/dev/shm" && mounted+=("$root/dev/shm")

# Name resolution, this machine's host name (torch's gloo resolves it) and certificate
# authorities (a proxy's own CA) as here; this machine's pip settings, and folders of local
# wheels they name, read-only.
cp /etc/resolv.conf /etc/hosts "$root/etc/"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"
if [ -d /etc/xdg/pip ]; then mkdir -p "$root/etc/xdg" && cp -r /etc/xdg/pip "$root/etc/xdg/"; fi
for folder in ${PIP_FIND_LINKS:-}; do [ -d "$folder" ] && bind "$folder" "$folder" ro; done
# The real reference data beside the checkout, as on the host (tests skip without it).
[ -d ../shared ] && bind "$(realpath ../shared)" /root/shared ro

if [ "$suite" != "$release" ]; then  # (a no-op once the suite's QGIS is there)
    log "installing QGIS from $suite"
    chroot "$root" apt-get update -q
    chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends -t "$suite" python3-qgis qgis-providers qgis
fi

# The committed tree, anew; the environments stay (their stamps tell setup.sh whether they are
# still right), so only the first run of a suite pays for the downloads.
work=/root/sea-ice-mapper
mkdir -p "$root$work"
find "$root$work" -mindepth 1 -maxdepth 1 ! -name .venv ! -name .venv-qgis -exec rm -rf {} +
git archive HEAD | tar -x -C "$root$work"
# A checkout of one commit there too: `make package` and its tests take committed files only.
rm -rf "$root$work/.git"
chroot "$root" sh -c "cd $work && git init -q && git add -A && \
    git -c user.name=chroot -c user.email=chroot@localhost commit -qm 'HEAD of the host'"
log "QGIS $(chroot "$root" dpkg-query -W -f='${Version}' qgis 2>/dev/null || echo 'not yet installed'), running: make $*"
status=0
for target in "$@"; do
    start=$(date +%s)
    if chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        ${PIP_FIND_LINKS:+PIP_FIND_LINKS="$PIP_FIND_LINKS"} \
        ${PYTEST_ADDOPTS:+PYTEST_ADDOPTS="$PYTEST_ADDOPTS"} \
        make -C "$work" "$target"; then
        log "make $target: passed in $(($(date +%s) - start)) s"
    else
        log "make $target: FAILED after $(($(date +%s) - start)) s"
        status=1
    fi
done
exit $status
