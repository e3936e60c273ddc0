#!/bin/sh
# mkiso.sh - build a hotmem ISO: GRUB 2 boots the kernel (multiboot2) from a CD, by BIOS (El Torito,
# SeaBIOS) or UEFI (OVMF).
#   scripts/mkiso.sh OUT.iso ISODIR
# ISODIR holds boot/hotmem.elf, boot/user/* and boot/grub/grub.cfg; this adds GRUB's files to it
# (boot/grub/i386-pc, boot/grub/x86_64-efi, efi.img) and writes OUT.iso with xorriso.
#
# It does what grub-mkrescue does, minus what costs boot time under TCG (docs/boot.md has the
# measurements):
# - the BIOS core image holds only biosdisk and iso9660 (GRUB's El Torito code reads it; GRUB's
#   i386-pc core is always LZMA-compressed, and its decompression under TCG costs about as much
#   per KiB as reading a module from the CD, so normal.mod and the rest are read from the CD);
#   grub-mkrescue's core also runs `insmod` for all 11 partition-map modules, each a file lookup
#   and a read (the ISO's partition tables are of no use to GRUB on a CD);
# - the CD carries only the modules grub.cfg needs (normal, multiboot2, serial, terminal and what
#   they depend on) instead of all 280: each module load searches boot/grub/<platform>/, so a
#   short directory is a faster one; no fonts, locales or themes (GRUB runs on the serial console);
#   the .lst files normal.mod reads keep only the lines of installed modules.
# The EFI image is grub-mkrescue's (same modules and prefix) without its config, which only runs
# `insmod` for the partition maps not embedded (acorn, amiga, ...: of no use on this CD).
set -eu
out=$1
dir=$2
# The modules grub.cfg's commands need (normal mode, `serial`, `terminal_*`, `multiboot2`,
# `module2`, `boot`); their dependencies are added from moddep.lst.
MODULES="normal multiboot2 serial terminal"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# closure SRCDIR MODULE...: the modules and everything they depend on (moddep.lst), one a line.
closure() {
    src=$1
    shift
    awk -v want="$*" '
        { sub(":", ""); deps[$1] = $0 }
        END {
            n = split(want, todo, " ")
            while (n > 0) {
                m = todo[n--]
                if (m in seen) continue
                seen[m] = 1; print m
                k = split(deps[m], d, " ")
                for (i = 2; i <= k; i++) todo[++n] = d[i]
            }
        }' "$src/moddep.lst"
}

# install_mods PLATFORM: the modules of MODULES' closure and the lists normal.mod reads, cut to
# those modules, to boot/grub/PLATFORM.
install_mods() {
    src=/usr/lib/grub/$1
    dst=$dir/boot/grub/$1
    rm -rf "$dst"
    mkdir -p "$dst"
    closure "$src" $MODULES > "$tmp/$1.mods"
    while read -r m; do cp "$src/$m.mod" "$dst/"; done < "$tmp/$1.mods"
    # The lists normal.mod reads (a missing one is skipped): command.lst "cmd: mod" (the commands
    # it loads modules for), terminal.lst "ikey: mod", fs.lst "mod", crypto.lst "NAME: mod".
    for l in command.lst terminal.lst fs.lst crypto.lst; do
        awk 'NR == FNR { have[$1] = 1; next } { m = $NF; sub(":", "", m) } m in have' \
            "$tmp/$1.mods" "$src/$l" > "$tmp/$l"
        if [ -s "$tmp/$l" ]; then cp "$tmp/$l" "$dst/$l"; fi
    done
}

install_mods i386-pc
grub-mkimage -O i386-pc-eltorito -p /boot/grub -o "$dir/boot/grub/i386-pc/eltorito.img" \
    biosdisk iso9660

install_mods x86_64-efi
mkdir -p "$tmp/efi/efi/boot"
grub-mkimage -O x86_64-efi -p '()/boot/grub' -o "$tmp/efi/efi/boot/bootx64.efi" \
    part_gpt part_msdos fat part_apple iso9660
rm -f "$dir/efi.img"
mformat -C -f 2880 -L 16 -i "$dir/efi.img" ::
mcopy -s -i "$dir/efi.img" "$tmp/efi/efi" ::/

xorriso -as mkisofs -graft-points \
    -b boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table \
    --grub2-boot-info --grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img \
    --efi-boot efi.img -efi-boot-part --efi-boot-image \
    --protective-msdos-label -o "$out" -r "$dir" --sort-weight 0 / --sort-weight 1 /boot
