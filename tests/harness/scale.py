"""scale.py - large machines for the scale tests and `make bench` (tests/integration/test_scale.py,
bench/bench_scale.py): terabyte DIMMs and big boot RAM backed with reserve=off, so that the host
only backs what the guest touches, and QEMU's resident set as the measure of that.

    cfg = big_dimm_config("256G")                 # -m 1G, room for the DIMM, qemu64 / phys-bits
    q = Qemu(cfg, ...).start(); q.boot()
    secs = hot_add_ost(q, "big", "256G", node=1)  # object-add -> ACPI_DEVICE_OST (insert, success)
    parts = hot_add_split(q, "big", "256G", node=1)  # the same in parts (QEMU's, the guest's)
    secs = eject(q, "big")                        # device_del -> DEVICE_DELETED, backend deleted
"""

import time

from .qemu import GiB, QemuConfig, parse_size
from .trace import parse_trace

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


def hot_add_split(q, id, size, node=None, timeout=600.0):
    """hot_add_ost in parts, seconds each: QEMU's object-add (the reserve=off backend), QEMU's
    device_add (until the QMP command returns), device_add's return -> ACPI_DEVICE_OST, and from the
    kernel's trace: SCI -> _OST (the guest's whole answer) and hotadd -> online (the memory
    manager's add and online). total = object-add -> _OST (what hot_add_ost measures)."""
    backend = {"qom-type": "memory-backend-ram", "id": f"mem-{id}", "size": parse_size(size), "reserve": False}
    dev = {"driver": "pc-dimm", "id": id, "memdev": f"mem-{id}"}
    if node is not None:
        dev["node"] = node
    t0 = time.monotonic()
    q.qmp.execute("object-add", backend)
    t1 = time.monotonic()
    q.qmp.execute("device_add", dev)
    t2 = time.monotonic()
    ev = q.qmp.wait_event("ACPI_DEVICE_OST", timeout, lambda e: e["data"]["info"].get("device") == id
                          and e["data"]["info"]["source"] == OST_INSERT)
    t3 = time.monotonic()
    status = ev["data"]["info"]["status"]
    assert status == OST_SUCCESS, f"hot-add of {id} answered _OST status {status:#x}"
    out = {"object_add": t1 - t0, "device_add": t2 - t1, "to_ost": t3 - t2, "total": t3 - t0}
    out.update(guest_split(parse_trace(q.cmd("trace", timeout=60))))
    return out


def guest_split(events):
    """{"sci_ost", "hotadd_online"} in seconds from the trace of the last hot-add (None when the
    trace ring no longer holds its events)."""
    names = [e[2] for e in events]
    if "hotadd" not in names:
        return {"sci_ost": None, "hotadd_online": None}
    h = len(names) - 1 - names[::-1].index("hotadd")
    sci = next((i for i in range(h, -1, -1) if names[i] == "sci"), None)
    on = next((i for i in range(h, len(names)) if names[i] == "online"), None)
    ost = next((i for i in range(on or h, len(names)) if names[i] == "ost"), None)
    ns = lambda a, b: (events[b][1] - events[a][1]) / 1e9 if a is not None and b is not None else None
    return {"sci_ost": ns(sci, ost), "hotadd_online": ns(h, on)}


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
