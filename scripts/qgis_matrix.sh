#!/usr/bin/env bash
# `make test-qgis-matrix`: the QGIS and desktop tests on other QGIS releases, each in its own
# Debian chroot (scripts/chroot_run.sh): by default QGIS 3.40 (Debian 12 + bookworm-backports)
# and 3.44 (Debian 13 + trixie-backports). Prints one line per suite; fails if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- bookworm-backports trixie-backports
summary=()
status=0
for suite in "$@"; do
    start=$(date +%s)
    if bash scripts/chroot_run.sh "$suite" setup test-qgis e2e; then
        summary+=("$suite: passed in $(($(date +%s) - start)) s")
    else
        summary+=("$suite: FAILED after $(($(date +%s) - start)) s")
        status=1
    fi
done
printf 'test-qgis-matrix: %s\n' "${summary[@]}"
exit $status
