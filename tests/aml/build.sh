#!/bin/sh
# Build the AML host programs (build/host/amlrun, build/host/test_aml_*) directly with the Makefile's
# host flags. Used by tests/test_aml.py when `make build/host/amlrun` does not work; links only the
# interpreter (drivers/acpi/aml/*.c) and the host platform.
set -e
cd "$(dirname "$0")/../.."
B=${BUILD:-build}/host
mkdir -p "$B"
CFLAGS="-std=gnu11 -O1 -g -fno-omit-frame-pointer -Iinclude -I. -Wall -Wextra -Werror -DHOTMEM_HOST"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
SRCS="$(ls drivers/acpi/aml/*.c) tests/host/plat_host.c"
build() { # out main.c [extra cflags]
    out=$1; main=$2; shift 2
    newest=$(ls -t $SRCS drivers/acpi/aml/*.h "$main" 2>/dev/null | head -1)
    if [ ! -e "$out" ] || [ "$newest" -nt "$out" ]; then
        ${HOSTCC:-gcc} $CFLAGS "$@" "$main" $SRCS -o "$out"
    fi
}
build "$B/amlrun" tools/amlrun.c $SAN
for t in tests/host/test_aml*.c; do
    [ -e "$t" ] && build "$B/$(basename "$t" .c)" "$t" $SAN
done
if [ "$1" = "opt" ]; then
    mkdir -p ${BUILD:-build}/bench
    build "${BUILD:-build}/bench/amlrun-opt" tools/amlrun.c -O2 -DNDEBUG
fi
exit 0
