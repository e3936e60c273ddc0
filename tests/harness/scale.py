"""scale.py - large machines for the scale tests and `make bench` (tests/integration/test_scale.py,
bench/bench_scale.py): terabyte DIMMs and big boot RAM backed with reserve=off, so that the host
only backs what the guest touches, and QEMU's resident set as the measure of that.

    cfg = big_dimm_config("256G")                 # -m 1G, room for the DIMM, qemu64 / phys-bits
    q = Qemu(cfg, ...).start(); q.boot()
    secs = hot_add_ost(q, "big", "256G", node=1)  # device_add -> ACPI_DEVICE_OST (insert, success)
    secs = eject(q, "big")                        # device_del -> DEVICE_DELETED, backend deleted
"""

import time

from .qemu import GiB, QemuConfig, parse_size

OST_INSERT = 1  # _OST source: device check (the kernel's answer to a hot-add)
OST_SUCCESS = 0
# CPUs for a DIMM past 1 TiB: the physical address width must cover maxmem (QEMU refuses to start
# otherwise); qemu64 has 40 bits, TCG accepts phys-bits up to 52 on `max`. The vendor decides the
# layout: on AMD (TCG's default vendor) QEMU starts device memory at 1 TiB, above the HyperTransport
# hole; on Intel it follows the RAM at 4 GiB, so a terabyte DIMM straddles the 1 TiB line.
CPU_46BIT = "max,phys-bits=46,vendor=GenuineIntel"
CPU_46BIT_AMD = "max,phys-bits=46,vendor=AuthenticAMD"


def big_dimm_config(size, machine="q35", cpu=None, mem="1G", nodes=2):
    """A machine with room for one DIMM of size (maxmem = boot RAM + size + 1 GiB of slack)."""
    maxmem = parse_size(mem) + parse_size(size) + GiB
    if cpu is None and maxmem + 4 * GiB >= 1 << 40:
        cpu = CPU_46BIT
    extra = ["-cpu", cpu] if cpu else []
    return QemuConfig(machine=machine, mem=mem, slots=2, maxmem=maxmem, numa_nodes=nodes, cold_dimms=[],
                      extra_args=extra)


def hot_add_ost(q, id, size, node=None, timeout=600.0):
    """device_add a reserve=off DIMM; seconds until the kernel's _OST says the insert succeeded."""
    t0 = time.monotonic()
    q.hot_add_dimm(id, size, node, reserve=False)
    ev = q.qmp.wait_event("ACPI_DEVICE_OST", timeout, lambda e: e["data"]["info"].get("device") == id
                          and e["data"]["info"]["source"] == OST_INSERT)
    secs = time.monotonic() - t0
    status = ev["data"]["info"]["status"]
    assert status == OST_SUCCESS, f"hot-add of {id} answered _OST status {status:#x}"
    return secs


def eject(q, id, timeout=600.0):
    """device_del; seconds until DEVICE_DELETED (the backend is deleted afterwards)."""
    t0 = time.monotonic()
    q.qmp.execute("device_del", id=id)
    q.qmp.wait_event("DEVICE_DELETED", timeout, lambda e: e.get("data", {}).get("device") == id)
    secs = time.monotonic() - t0
    q.qmp.execute("object-del", id=f"mem-{id}")
    return secs


def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def objects(q):
    """[{id, pages, kind, node, va, pa0}] from the shell's `objects`."""
    return [kv(line) for line in q.cmd("objects", timeout=60).splitlines() if line.startswith("object ")]
