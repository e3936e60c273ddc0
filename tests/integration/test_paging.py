"""Issue 12: the kernel's direct map follows the memory map (kernel/paging.c). Read from QEMU's
own view of the page tables (`info tlb`): RAM is mapped write-back, the LAPIC, I/O APIC, HPET and
PCI ECAM windows and the rest of the PCI hole uncached, and no alias of the kernel's text is
writable."""

import re

from harness import ELF, MiB

DIRECT_MAP_BASE = 0xFFFF800000000000
KERNEL_VMA = 0xFFFFFFFF80000000
TLB_RE = re.compile(r"^([0-9a-f]+): ([0-9a-f]+) ([-A-Z]{9})$")


def tlb(q):
    """{virtual page: (physical, flags)} from `info tlb`; flags as QEMU prints them
    (X=NX G P=PS D A C=PCD T=PWT U W)."""
    out = q.qmp.execute("human-monitor-command", **{"command-line": "info tlb"})
    pages = {}
    for line in out.splitlines():
        m = TLB_RE.match(line.strip())
        if m:
            pages[int(m[1], 16)] = (int(m[2], 16), m[3])
    assert pages, out[:2000]
    return pages


def lookup(pages, va):
    """(physical, flags, page size) of the mapping that covers va, or None."""
    for size in (4096, 2 * MiB, 1 << 30):
        e = pages.get(va & ~(size - 1))
        if e is not None:
            return e[0], e[1], size
    return None


def symbol(name):
    """Address of a symbol of build/hotmem.elf (from nm)."""
    import subprocess
    out = subprocess.run(["nm", str(ELF)], capture_output=True, text=True, check=True).stdout
    return int(re.search(rf"^([0-9a-f]+) \w {name}$", out, re.M)[1], 16)


def test_direct_map_attributes(make_qemu):
    q = make_qemu().boot()
    pages = tlb(q)

    def flags(pa):
        e = lookup(pages, DIRECT_MAP_BASE + pa)
        assert e is not None, f"{pa:#x} not in the direct map"
        return e[1]

    for name, pa in (("LAPIC", 0xFEE00000), ("I/O APIC", 0xFEC00000), ("HPET", 0xFED00000),
                     ("ECAM", 0xB0000000), ("PCI hole", 0xC0000000)):
        f = flags(pa)
        assert "C" in f and "T" in f, f"{name} at {pa:#x} is cacheable: {f}"
        assert f[0] == "X", f"{name} at {pa:#x} is executable: {f}"
    for pa in (0x1000000, 0x10000000):  # RAM
        f = flags(pa)
        assert "C" not in f and "W" in f, f"RAM at {pa:#x}: {f}"

    text = symbol("kmain")
    text_pa = text - KERNEL_VMA
    assert "W" not in lookup(pages, text)[1], "kernel text writable through its own mapping"
    f = flags(text_pa)
    assert "W" not in f, f"kernel text at {text_pa:#x} writable through the direct map: {f}"
    # and nowhere else: no writable mapping of any virtual address points at that page
    writable = [hex(va) for va, (pa, fl) in pages.items() if pa == text_pa & ~0xFFF and "W" in fl]
    assert not writable, writable
