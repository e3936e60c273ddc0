#!/usr/bin/env bash
# deps.sh - install the Debian packages hotmem needs to build, run and test; does nothing when all
# are present. Used by `make run`, `make test` and every other make target that runs something.
set -euo pipefail
pkgs=(gcc make binutils nasm grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
      qemu-system-x86 ovmf acpica-tools gdb python3 python3-pytest clang clang-format git)
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
