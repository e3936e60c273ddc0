"""Issue 12: the kernel's direct map follows the memory map (kernel/paging.c). Read from QEMU's
own view of the page tables (`info tlb`): RAM is mapped write-back, the LAPIC, I/O APIC, HPET and
PCI ECAM windows, the rest of the PCI hole and a PCI BAR above 4 GiB uncached, and no alias of the
kernel's text is writable."""

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


def test_bar_above_4g_is_uncached(make_qemu):
    """OVMF places the 64-bit BAR of a virtio-mem-pci device above 4 GiB, where nothing is mapped
    at boot: the driver maps it through plat_map_mmio, uncached (PCD|PWT), not write-back as RAM."""
    from harness import VirtioMem
    q = make_qemu(firmware="ovmf", virtio_mem=[VirtioMem("vm0", "1G")]).boot()
    m = re.search(r"bar4 mem base=(0x[0-9a-f]+) size=0x4000 64bit", q.cmd("pci"))
    assert m, q.cmd("pci")
    bar = int(m[1], 16)
    assert bar >= 1 << 32, f"the BAR is below 4 GiB ({bar:#x}): not the case this test is for"
    e = lookup(tlb(q), DIRECT_MAP_BASE + bar)
    assert e is not None and e[0] == bar & ~(e[2] - 1), e
    assert "C" in e[1] and "T" in e[1], f"BAR at {bar:#x} is cacheable: {e}"
    assert e[1][0] == "X", f"BAR at {bar:#x} is executable: {e}"


# ---- freeing and undoing direct-map page tables (kernel/paging.c unmap_direct_range) ------------
GiB = 1 << 30
OST_INSERT = 1
OST_SUCCESS = 0
OST_FAILURE = 1
PT_RE = re.compile(r"pt tables=(\d+) alloc_fails=(\d+) map_undos=(\d+) inject=(-?\d+) probe_faults=(\d+)")


def pt_counters(q):
    """(page-table pages in use, failed allocations, undone mappings, injection, probe faults)."""
    out = q.cmd("pt")
    m = PT_RE.search(out)
    assert m, out
    return tuple(int(x) for x in m.groups())


def probe(q, pa):
    """The byte at DIRECT_MAP_BASE + pa read through the MMU, or None if it faulted."""
    out = q.cmd(f"probe {DIRECT_MAP_BASE + pa:#x}")
    m = re.search(r"probe 0x[0-9a-f]+: (fault|0x[0-9a-f]+)", out)
    assert m, out
    return None if m[1] == "fault" else int(m[1], 16)


def insert_ost(q, id, status):
    return q.qmp.wait_event("ACPI_DEVICE_OST", 60, lambda e: e["data"]["info"].get("device") == id
                            and e["data"]["info"]["source"] == OST_INSERT and e["data"]["info"]["status"] == status)


def test_unmap_flushes_before_the_directory_is_freed(make_qemu):
    """ptcheck maps 2 MiB in an empty GiB, reads it on both CPUs (TCG's software TLBs now hold it),
    unmaps it (its page directory is freed) and reads again with interrupts off: without the flush,
    or with a flush of this CPU only, a second read hits a stale TLB entry. The freed directory page,
    handed out again and filled with entries mapping the range, is not reachable from the tables."""
    q = make_qemu(cold_dimms=[], cpus=2).boot()
    tables = pt_counters(q)[0]
    out = q.cmd("ptcheck")
    assert ("ptcheck: mapped read ok, unmapped read fault, directory freed, reused yes, read through it fault; "
            "other cpu: mapped read ok, unmapped read fault" in out), out
    assert "error" not in out, out
    assert pt_counters(q)[0] == tables
    # the probe itself: a mapped byte reads, an unmapped one faults and the kernel goes on
    assert probe(q, 0x100000) is not None
    assert probe(q, 0x3FC0000000) is None
    assert "error: failinject: N must be" in q.cmd("failinject pt -1")
    assert "error: probe: usage: probe" in q.cmd("probe nowhere")
    assert q.alive()


def test_shootdown_skips_a_lazy_cpu_that_flushes_on_leaving(make_qemu):
    """Lazy TLB (kernel/tlb.c), the protocol an idle CPU's halt runs: a thread on the other CPU
    reads the scratch range (its TLB holds it) and enters lazy mode with interrupts off; the unmap's
    shootdown skips that CPU instead of sending it an IPI, and leaves the page in its pending list;
    the thread leaves lazy mode and reads again: it must fault - the CPU flushed the page on leaving. Without
    that flush the read hits the stale entry (checked: it reads "ok"); without the skip the output
    says "sent the IPI"."""
    q = make_qemu(cold_dimms=[], cpus=2).boot()
    out = q.cmd("ptcheck lazy")
    assert "error" not in out, out
    assert ("ptcheck lazy: cpu 1: mapped read ok, shootdown skipped it (lazy), unmapped read fault, "
            "flushed on leaving lazy mode: 1 page(s), 0 full" in out), out
    head = dict(kv.split("=") for kv in q.cmd("cpus").splitlines()[0].split())
    assert int(head["tlb_lazy_skips"]) > 0, head
    assert "error: ptcheck: usage" in q.cmd("ptcheck eager")
    assert q.alive()


def test_hot_add_refused_when_page_tables_run_out_half_way(make_qemu):
    """A DIMM placed 2 MiB below a GiB boundary: mm_add_memory maps its memmap across the boundary,
    which needs two page directories; the second cannot be had (failinject pt 1). The add is refused
    with a log line and a failure _OST, nothing of the range is mapped (the 2 MiB below the boundary
    that the first directory mapped is unmapped again), the first directory is freed (no page-table
    page leaked), and after device_del the same DIMM hot-adds and is usable."""
    q = make_qemu(cold_dimms=[]).boot()
    base, size = 5 * GiB - 2 * MiB, GiB
    tables, fails, undos, _, _ = pt_counters(q)
    assert probe(q, 4 * GiB) is None and probe(q, base) is None
    assert "failinject pt 1" in q.cmd("failinject pt 1")

    def plug():
        q.qmp.execute("object-add", {"qom-type": "memory-backend-ram", "id": "mem-d1", "size": size})
        q.qmp.execute("device_add", {"driver": "pc-dimm", "id": "d1", "memdev": "mem-d1", "addr": base})

    plug()
    insert_ost(q, "d1", OST_FAILURE)
    q.wait_for(rf"paging: direct map 0x{base:x}-0x[0-9a-f]+: no page for a page directory at "
               rf"0x{5 * GiB:x}: undone")
    q.wait_for(rf"mm: add 0x{base:x}\+0x{size:x}: cannot map")
    assert pt_counters(q)[:4] == (tables, fails + 1, undos + 1, -1)
    for pa in (base, 5 * GiB, 4 * GiB):
        assert probe(q, pa) is None, f"{pa:#x} still mapped after the refused add"
        assert "not mapped" in q.cmd(f"pt {DIRECT_MAP_BASE + pa:#x}")
    assert "state=failed" in q.cmd("dimms")

    q.hot_remove_dimm("d1")
    plug()
    insert_ost(q, "d1", OST_SUCCESS)
    assert "state=online" in q.cmd("dimms")
    assert probe(q, base) is not None and probe(q, base + size - 4096) is not None
    assert pt_counters(q)[0] == tables + 2  # the directories of both GiBs the DIMM touches
    assert "mmverify ok" in q.cmd("mmverify", timeout=60)
