# hotmem - see README.md. `make run` boots it in QEMU, `make test` runs every test.
# Both first install missing Debian packages through scripts/deps.sh.

CROSS   ?=
BUILD   ?= build
KCC     := $(CROSS)gcc
KLD     := $(CROSS)ld
KNM     := $(CROSS)nm
NASM    ?= nasm
HOSTCC  ?= gcc
FUZZCC  ?= clang
PYTHON  ?= /usr/bin/python3
EXTRA_KCFLAGS ?=
# DEBUG=1: a debug kernel (freed pages poisoned with 0x6b; host tests are always built this way).
DEBUG ?= 0

# --- the kernel -------------------------------------------------------------------------------
GCC_INC := $(shell $(KCC) -print-file-name=include)
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -mno-red-zone -mcmodel=kernel -mgeneral-regs-only \
           -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
           -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls -fno-strict-aliasing -fno-asynchronous-unwind-tables \
           -nostdinc -isystem $(GCC_INC) -Ilibc/include -Iinclude -I. \
           -Wall -Wextra -Werror -DHOTMEM_KERNEL -MMD -MP $(if $(filter 1,$(DEBUG)),-DMM_DEBUG) $(EXTRA_KCFLAGS)
KLDFLAGS := -n -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

# KERNEL_SUBSYS= builds a kernel without mm/ and drivers/acpi/ (bring-up of the boot path alone).
KERNEL_SUBSYS ?= mm drivers/acpi drivers/acpi/tables drivers/acpi/aml drivers/pci drivers/virtio
KSRCS_C   := $(wildcard libc/*.c $(addsuffix /*.c,$(KERNEL_SUBSYS))) $(if $(KERNEL_SUBSYS),$(wildcard kernel/*.c),$(filter-out kernel/mb2.c kernel/mm_shell.c kernel/pci_init.c,$(wildcard kernel/*.c)))
KSRCS_ASM := $(wildcard boot/*.asm kernel/*.asm)
KOBJS     := $(KSRCS_ASM:%.asm=$(BUILD)/k/%.o) $(KSRCS_C:%.c=$(BUILD)/k/%.o)

.PHONY: all kernel user iso run debug selftest test host-tests print-host-tests integration-tests fuzz bench deps clean format
all: iso host

kernel: $(BUILD)/hotmem.elf
iso: $(BUILD)/hotmem.iso $(BUILD)/hotmem-selftest.iso

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf $< -o $@

# The kernel links twice: the first link gives the addresses of every function, which become the
# symbol table (.ksyms, placed after .data so that no code moves) of the second.
$(BUILD)/hotmem.elf: $(KOBJS) linker.ld scripts/gen-ksyms.sh
	$(KLD) $(KLDFLAGS) -o $(BUILD)/hotmem.pass1.elf $(KOBJS)
	scripts/gen-ksyms.sh $(KNM) $(BUILD)/hotmem.pass1.elf > $(BUILD)/ksyms.asm
	$(NASM) -f elf64 $(BUILD)/ksyms.asm -o $(BUILD)/ksyms.o
	$(KLD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o
	scripts/gen-ksyms.sh $(KNM) $@ | cmp -s - $(BUILD)/ksyms.asm || { echo "ksyms: code moved between links"; exit 1; }

# --- user programs (user/): static freestanding ELF executables, shipped as multiboot2 modules --
# badelf is memtest cut short: the loader must refuse it with a clear error.
UCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only \
           -fno-asynchronous-unwind-tables -nostdinc -isystem $(GCC_INC) -Wall -Wextra -Werror
USER_PROGS := $(filter-out ulib,$(patsubst user/%.c,%,$(wildcard user/*.c)))
USER_BINS  := $(addprefix $(BUILD)/user/,$(USER_PROGS)) $(BUILD)/user/badelf
$(BUILD)/user/%.o: user/%.c user/ulib.h
	@mkdir -p $(dir $@)
	$(KCC) $(UCFLAGS) -c $< -o $@
$(BUILD)/user/%: $(BUILD)/user/%.o $(BUILD)/user/ulib.o user/user.ld
	$(KLD) -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T user/user.ld -o $@ $< $(BUILD)/user/ulib.o
$(BUILD)/user/badelf: $(BUILD)/user/memtest
	head -c 100 $< > $@
user: $(USER_BINS)

# The ISO carries the kernel and the user programs without debug sections and symbol tables: GRUB's
# multiboot2 loader reads every non-loaded section of the kernel (for the ELF-sections tag, which
# hotmem does not use; its backtraces use .ksyms), so 1 MiB of DWARF and 48 KiB of .symtab/.strtab
# would be read from the CD at each boot. gdb uses build/hotmem.elf. badelf (a cut ELF header) is
# not an object file and is copied as it is.
ISO_STRIP := $(CROSS)objcopy --strip-all
# scripts/mkiso.sh: what grub-mkrescue does, minus what costs boot time (docs/boot.md).
$(BUILD)/hotmem.iso: $(BUILD)/hotmem.elf iso/grub.cfg $(USER_BINS) scripts/mkiso.sh
	@mkdir -p $(BUILD)/isodir/boot/grub $(BUILD)/isodir/boot/user
	$(ISO_STRIP) $(BUILD)/hotmem.elf $(BUILD)/isodir/boot/hotmem.elf
	for f in $(USER_BINS); do $(ISO_STRIP) $$f $(BUILD)/isodir/boot/user/$${f##*/} 2>/dev/null || cp $$f $(BUILD)/isodir/boot/user/; done
	cp iso/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	scripts/mkiso.sh $@ $(BUILD)/isodir > $(BUILD)/mkiso.log 2>&1 || { cat $(BUILD)/mkiso.log; exit 1; }

# The same kernel with the selftest entry as the default (what tests and `make selftest` boot).
$(BUILD)/hotmem-selftest.iso: $(BUILD)/hotmem.elf iso/grub.cfg $(USER_BINS) scripts/mkiso.sh
	@mkdir -p $(BUILD)/isodir-selftest/boot/grub $(BUILD)/isodir-selftest/boot/user
	$(ISO_STRIP) $(BUILD)/hotmem.elf $(BUILD)/isodir-selftest/boot/hotmem.elf
	for f in $(USER_BINS); do $(ISO_STRIP) $$f $(BUILD)/isodir-selftest/boot/user/$${f##*/} 2>/dev/null || cp $$f $(BUILD)/isodir-selftest/boot/user/; done
	sed 's/^set default=0/set default=1/' iso/grub.cfg > $(BUILD)/isodir-selftest/boot/grub/grub.cfg
	scripts/mkiso.sh $@ $(BUILD)/isodir-selftest > $(BUILD)/mkiso-selftest.log 2>&1 || { cat $(BUILD)/mkiso-selftest.log; exit 1; }

# --- running --------------------------------------------------------------------------------
# FIRMWARE=bios|ovmf  MACHINE=q35|pc  KVM=1  (defaults: q35 + SeaBIOS under TCG)
FIRMWARE ?= bios
MACHINE  ?= q35
KVM      ?= 0
run: deps iso
	$(PYTHON) scripts/run.py --machine $(MACHINE) --firmware $(FIRMWARE) --kvm $(KVM) --iso $(BUILD)/hotmem.iso

debug: deps iso
	$(PYTHON) scripts/run.py --machine $(MACHINE) --firmware $(FIRMWARE) --kvm $(KVM) --iso $(BUILD)/hotmem.iso --gdb

# Boot the selftest entry headless; QEMU's exit status 33 means every in-kernel test passed.
selftest: deps iso
	qemu-system-x86_64 -machine $(MACHINE) -m 1G,slots=8,maxmem=32G -display none -serial stdio \
	    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot -cdrom $(BUILD)/hotmem-selftest.iso; \
	    st=$$?; [ $$st -eq 33 ] && echo "selftest: PASS" || { echo "selftest: FAIL (QEMU exit $$st)"; exit 1; }

deps:
	@scripts/deps.sh

# --- host builds: unit tests, tools, fuzzers, benchmarks -------------------------------------
# mm/ and drivers/acpi/ build on the host too (all but *_shell.c), against tests/host/plat_host.c.
HOST_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -DMM_DEBUG
HOST_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -Iinclude -I. -Wall -Wextra -Werror \
               -DHOTMEM_HOST -MMD -MP
MM_SRCS     := $(filter-out %_shell.c,$(wildcard mm/*.c))
# The AML interpreter is a library of its own (drivers/acpi/aml/): libaml links without mm/ or the
# rest of drivers/acpi/ (tests/test_layout.py builds amlrun against it and the platform alone).
AML_SRCS    := $(wildcard drivers/acpi/aml/*.c)
ACPI_SRCS   := $(filter-out %_shell.c,$(wildcard drivers/acpi/*.c drivers/acpi/tables/*.c)) $(wildcard kernel/mb2.c)
PLAT_SRCS   := tests/host/plat_host.c
# The virtio-mem configuration checks are pure C: host tests feed them junk (test_vmem_config.c).
ACPI_SRCS   += drivers/virtio/virtio_mem_config.c

host_objs = $(addprefix $(BUILD)/host/$(1)/,$(2:.c=.o))
$(BUILD)/host/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) $(HOST_SAN) -c $< -o $@
$(BUILD)/host/opt/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -O2 -DNDEBUG -c $< -o $@
$(BUILD)/host/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZCC) $(HOST_CFLAGS) -Wno-unused-command-line-argument -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

$(BUILD)/host/libmm-%.a: $(call host_objs,%,$(MM_SRCS))
	rm -f $@ && ar rcs $@ $^
$(BUILD)/host/libacpi-%.a: $(call host_objs,%,$(ACPI_SRCS))
	rm -f $@ && ar rcs $@ $^
$(BUILD)/host/libaml-%.a: $(call host_objs,%,$(AML_SRCS))
	rm -f $@ && ar rcs $@ $^
$(BUILD)/host/libplat-%.a: $(call host_objs,%,$(PLAT_SRCS))
	rm -f $@ && ar rcs $@ $^
.SECONDARY:

# tests/host/test_mm*.c link mm/ only; every other test links drivers/acpi/ and mm/.
HOST_TESTS := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_*.c))
$(BUILD)/host/test_mm%: tests/host/test_mm%.c $(BUILD)/host/libmm-san.a $(BUILD)/host/libplat-san.a
	$(HOSTCC) $(HOST_CFLAGS) $(HOST_SAN) $< -o $@ $(BUILD)/host/libmm-san.a $(BUILD)/host/libplat-san.a
$(BUILD)/host/test_%: tests/host/test_%.c $(BUILD)/host/libacpi-san.a $(BUILD)/host/libaml-san.a $(BUILD)/host/libmm-san.a $(BUILD)/host/libplat-san.a
	$(HOSTCC) $(HOST_CFLAGS) $(HOST_SAN) $< -o $@ $(BUILD)/host/libacpi-san.a $(BUILD)/host/libaml-san.a $(BUILD)/host/libmm-san.a $(BUILD)/host/libplat-san.a

# The multithreaded mm stress also runs under ThreadSanitizer (mm/ and the pthread platform
# locks built with -fsanitize=thread); test_host.py runs it like every build/host/test_* binary.
HOST_TSAN := -fsanitize=thread -DMM_DEBUG
$(BUILD)/host/tsan/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) $(HOST_TSAN) -c $< -o $@
$(BUILD)/host/test_mm_threads_tsan: tests/host/test_mm_threads.c $(call host_objs,tsan,$(MM_SRCS) $(PLAT_SRCS))
	$(HOSTCC) $(HOST_CFLAGS) $(HOST_TSAN) $(filter %.c %.o,$^) -o $@
HOST_TESTS += $(BUILD)/host/test_mm_threads_tsan

# tools/*.c: host command-line tools (e.g. amlrun, used by the AML tests).
HOST_TOOLS := $(patsubst tools/%.c,$(BUILD)/host/%,$(wildcard tools/*.c))
$(BUILD)/host/%: tools/%.c $(BUILD)/host/libacpi-san.a $(BUILD)/host/libaml-san.a $(BUILD)/host/libmm-san.a $(BUILD)/host/libplat-san.a
	$(HOSTCC) $(HOST_CFLAGS) $(HOST_SAN) $< -o $@ $(BUILD)/host/libacpi-san.a $(BUILD)/host/libaml-san.a $(BUILD)/host/libmm-san.a $(BUILD)/host/libplat-san.a

# amlrun linked against the AML library and the host platform alone: proves drivers/acpi/aml/ needs
# nothing else of the kernel (tests/test_layout.py builds it).
$(BUILD)/host/amlrun-alone: tools/amlrun.c $(BUILD)/host/libaml-san.a $(BUILD)/host/libplat-san.a
	$(HOSTCC) $(HOST_CFLAGS) $(HOST_SAN) $< -o $@ $(BUILD)/host/libaml-san.a $(BUILD)/host/libplat-san.a

host: $(HOST_TESTS) $(HOST_TOOLS)

# The host tests this tree builds (tests/test_host.py runs exactly these, never a stale binary of
# another tree left in build/host/).
print-host-tests:
	@echo $(HOST_TESTS)
host-tests: $(HOST_TESTS) $(HOST_TOOLS)
	@set -e; for t in $(HOST_TESTS); do echo "== $$t"; $$t; done

# fuzz/fuzz_*.c: libFuzzer targets; `make fuzz FUZZ_SECONDS=N` runs each for N seconds.
FUZZ_SECONDS ?= 20
FUZZERS := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard fuzz/fuzz_*.c))
$(BUILD)/fuzz/%: fuzz/%.c $(BUILD)/host/libacpi-fuzz.a $(BUILD)/host/libaml-fuzz.a $(BUILD)/host/libmm-fuzz.a $(BUILD)/host/libplat-fuzz.a
	@mkdir -p $(dir $@)
	$(FUZZCC) $(HOST_CFLAGS) -Wno-unused-command-line-argument -fsanitize=fuzzer,address,undefined $< -o $@ \
	    $(BUILD)/host/libacpi-fuzz.a $(BUILD)/host/libaml-fuzz.a $(BUILD)/host/libmm-fuzz.a $(BUILD)/host/libplat-fuzz.a
fuzz: deps $(FUZZERS)
	@set -e; for f in $(FUZZERS); do n=$$(basename $$f); mkdir -p $(BUILD)/fuzz/corpus-$$n; \
	    seeds=""; [ -d fuzz/seeds/$$n ] && seeds=fuzz/seeds/$$n; \
	    echo "== $$n ($(FUZZ_SECONDS) s)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
	        $(BUILD)/fuzz/corpus-$$n $$seeds 2>&1 | tail -n 3; \
	    test $${PIPESTATUS[0]} -eq 0; done

# bench/bench_*.c: optimised host builds that print figures (never asserted).
BENCHES := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/bench_*.c))
$(BUILD)/bench/%: bench/%.c $(BUILD)/host/libacpi-opt.a $(BUILD)/host/libaml-opt.a $(BUILD)/host/libmm-opt.a $(BUILD)/host/libplat-opt.a
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -O2 -DNDEBUG $< -o $@ $(BUILD)/host/libacpi-opt.a $(BUILD)/host/libaml-opt.a $(BUILD)/host/libmm-opt.a $(BUILD)/host/libplat-opt.a
# The Linux column (bench/bench_linux.py) needs Debian's kernel and busybox: `deps.sh bench` installs
# them for the benchmarks only (make test does not). The first line says what machine measured.
bench: deps $(BENCHES) $(HOST_TOOLS) iso
	@scripts/deps.sh bench
	@echo "machine: $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $$(nproc) cores, $$(awk '/MemTotal/ {printf "%.0f GiB", $$2 / 1048576}' /proc/meminfo), $$(qemu-system-x86_64 --version | head -1), $$(date -u +%Y-%m-%d)"
	@set -e; for b in $(BENCHES); do echo "== $$b"; $$b; done; \
	for s in bench/*.py; do [ -f $$s ] && { echo "== $$s"; $(PYTHON) $$s; }; done; true

# --- make test: host tests, fuzzers (briefly), then QEMU integration tests ---------------------
SHELL := /bin/bash
test: deps
	$(MAKE) iso host
	$(MAKE) BUILD=$(BUILD)/failtest EXTRA_KCFLAGS=-DHOTMEM_FAILING_TEST iso
	$(PYTHON) -m pytest -v -rs tests/ -p no:cacheprovider $(PYTEST_ARGS)

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
