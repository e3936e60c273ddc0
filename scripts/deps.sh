#!/usr/bin/env bash
# deps.sh - install the Debian packages hotmem needs to build, run and test; does nothing when all
# are present. Used by `make run`, `make test` and every other make target that runs something.
#   scripts/deps.sh          the packages for building, running and testing
#   scripts/deps.sh bench    those plus the benchmark-only ones (Debian's Linux kernel and busybox,
#                            for bench/bench_linux.py's Linux column)
# HOTMEM_NO_DEPS=1 skips it (a non-Debian machine: install the equivalents of the lists below).
set -euo pipefail
if [ "${HOTMEM_NO_DEPS:-0}" = 1 ]; then exit 0; fi
# libclang-rt-dev: clang's runtimes (libFuzzer, ASan, UBSan) that the fuzzers link; plain `clang`
# does not pull it in on Debian 12.
pkgs=(gcc make binutils nasm grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
      qemu-system-x86 ovmf acpica-tools gdb python3 python3-pytest clang libclang-rt-dev
      clang-format git)
if [ "${1:-}" = bench ]; then
    pkgs+=(linux-image-amd64 busybox-static cpio)
fi
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
