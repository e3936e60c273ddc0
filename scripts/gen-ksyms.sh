#!/usr/bin/env bash
# gen-ksyms.sh NM ELF - print a NASM file holding the kernel's function symbols, sorted by address,
# as the table that kernel/symbols.c searches for backtraces:
#   ksym_count: dq N;  entries of (dq address, dq offset of name in ksym_names);  ksym_names: strings
set -euo pipefail
nm=$1
elf=$2
echo 'section .ksyms progbits alloc noexec nowrite align=8'
echo 'global ksym_count, ksym_table, ksym_names'
"$nm" -n --defined-only "$elf" | awk '
    $2 ~ /^[tT]$/ && $3 !~ /^\./ && $1 ~ /^ffffffff/ { addr[n] = $1; name[n] = $3; n++ }
    END {
        print "ksym_count: dq " n
        print "ksym_table:"
        off = 0
        for (i = 0; i < n; i++) { printf "dq 0x%s, %d\n", addr[i], off; off += length(name[i]) + 1 }
        print "ksym_names:"
        for (i = 0; i < n; i++) printf "db \"%s\", 0\n", name[i]
    }'
