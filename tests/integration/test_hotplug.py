"""Issue 7: ACPI memory hotplug end to end in QEMU (TCG): cold DIMMs at boot, device_add ->
online, device_del -> offline + _OST + _EJ0 -> DEVICE_DELETED, failure paths, ordering, and scale.

Shell formats used here are documented in docs/hotplug.md (dimms, events) and docs/mm.md (mem,
fill, check, pin, mmverify). The two tests named test_long_* take most of this file's time
(~1-2 minutes each under TCG); they run in `make test` like the rest.
"""

import re

import pytest

from harness import GiB, MiB, QMPError, dimm_addresses
from harness.trace import failed_eject, find, parse_trace

COMBOS = [("pc", "bios"), ("pc", "ovmf"), ("q35", "bios"), ("q35", "ovmf")]
PAGES_PER_GIB = GiB // 4096
OST_INSERT = 1
OST_EJECT = 3
OST_SUCCESS = 0
OST_BUSY = 0x82


# ---- helpers ----------------------------------------------------------------------------------
def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def dimms(q):
    """slot -> {sta, base, size, node, state, ...} from the `dimms` command."""
    out = {}
    for line in q.cmd("dimms").splitlines():
        if line.startswith("slot="):
            d = kv(line)
            out[int(d["slot"])] = d
    return out


def mem_total(q):
    for line in q.cmd("mem").splitlines():
        if line.startswith("mem total "):
            return {k: int(v) for k, v in kv(line).items()}
    raise AssertionError("no 'mem total' line")


def events(q):
    out = {}
    for line in q.cmd("events").splitlines():
        d = kv(line)
        if "notify" in d and "count" in d:
            out[f"notify{d['notify']}"] = int(d["count"])
        elif "gpe" in d and "count" in d:
            out[f"gpe{d['gpe']}"] = int(d["count"])
        else:
            out.update({k: int(v) for k, v in d.items() if v.isdigit()})
    return out


def mmverify(q):
    out = q.cmd("mmverify", timeout=60)
    assert "mmverify ok" in out, out


def check_objects(q):
    out = q.cmd("check", timeout=120)
    m = re.search(r"check objects=(\d+) bad=(\d+)", out)
    assert m, out
    assert int(m.group(2)) == 0, out
    return int(m.group(1))


def slot_state(q, slot, state):
    """The slot's `dimms` fields, which must show state. Called after the _OST that ends the
    kernel's handling of an event (memhp.c sets the state before it reports)."""
    d = dimms(q).get(slot, {})
    assert d.get("state") == state, f"slot {slot} not {state}: {d}\n{q.cmd('events')}"
    return d


def wait_online(q, id, timeout=60.0):
    """Waits for the kernel's insert _OST of device id (QMP ACPI_DEVICE_OST, source 1), which
    must say success; returns its slot's `dimms` fields, which must say online."""
    ev = q.qmp.wait_event("ACPI_DEVICE_OST", timeout, lambda e: e["data"]["info"].get("device") == id
                          and e["data"]["info"]["source"] == OST_INSERT)
    assert ev["data"]["info"]["status"] == OST_SUCCESS, ev
    return slot_state(q, int(q.memory_devices()[id]["slot"]), "online")


def add(q, id, size="1G", node=None):
    """device_add a DIMM and wait until the kernel has it online; returns (slot, addr)."""
    q.hot_add_dimm(id, size, node)
    md = q.memory_devices()[id]
    slot = int(md["slot"])
    d = wait_online(q, id)
    assert int(d["base"], 16) == md["addr"]
    assert int(d["size"], 16) == md["size"]
    return slot, md["addr"]


def ost_event(q, id, status, timeout=60.0):
    return q.qmp.wait_event("ACPI_DEVICE_OST", timeout, lambda e: e["data"]["info"].get("device") == id
                            and e["data"]["info"]["source"] == OST_EJECT and e["data"]["info"]["status"] == status)


def remove(q, id, timeout=60.0):
    """device_del and wait for DEVICE_DELETED and the success _OST."""
    q.hot_remove_dimm(id, timeout=timeout)
    ost_event(q, id, OST_SUCCESS, timeout=5)
    assert id not in q.memory_devices()


def deleted(q, id):
    return [e for e in q.qmp.events("DEVICE_DELETED") if e["data"].get("device") == id]


# ---- tests ------------------------------------------------------------------------------------
@pytest.mark.parametrize("machine,firmware", COMBOS, ids=[f"{m}-{f}" for m, f in COMBOS])
def test_add_remove(make_qemu, machine, firmware):
    """Cold DIMM found at boot; 1 GiB device_add onlined and usable; device_del of the idle DIMM:
    DEVICE_DELETED, success _OST, query-memory-devices and mem shrink, mm_verify passes."""
    q = make_qemu(machine=machine, firmware=firmware).boot()
    cold = q.memory_devices()["dimm0"]
    d = dimms(q)[int(cold["slot"])]
    assert d["state"] == "online" and int(d["base"], 16) == cold["addr"] and int(d["size"], 16) == cold["size"]
    assert d["sta"] == "0xf" and d["node"] == "1"
    m0 = mem_total(q)
    assert m0["present"] >= (1 * GiB + 512 * MiB) // 4096 - 4096
    sections = q.cmd("sections")
    assert f"base=0x{cold['addr']:x} node=1 zone=movable state=online" in sections

    slot, addr = add(q, "d1", "1G", node=1)
    assert addr == dimm_addresses(q.cfg, ["1G"])[-1]
    m1 = mem_total(q)
    assert m1["present"] - m0["present"] == PAGES_PER_GIB
    assert m1["online"] - m0["online"] == PAGES_PER_GIB
    assert f"base=0x{addr:x} node=1 zone=movable state=online" in q.cmd("sections")
    # movable allocations for node 1 land in node 1's memory: the cold DIMM and the new one after it
    out = q.cmd("fill 64 movable node 1")
    assert "kind=movable" in out, out
    objs = q.cmd("objects")
    pa0 = int(kv(next(l for l in objs.splitlines() if "pa0=" in l))["pa0"], 16)
    assert cold["addr"] <= pa0 < addr + GiB, (hex(pa0), objs)
    assert check_objects(q) == 1
    q.cmd("drop all")
    ev = events(q)
    assert ev["gpe3"] == 1 and ev["notify1"] == 1 and ev["memhp_adds"] == 2, ev  # one hot-add (dimm0 was cold)

    remove(q, "d1")
    m2 = mem_total(q)
    assert m2["present"] == m0["present"] and m2["online"] == m0["online"]
    assert dimms(q)[slot]["state"] == "absent"
    mmverify(q)
    ev = events(q)
    assert ev["memhp_ejects"] == 1 and ev["memhp_eject_fails"] == 0 and ev["notify3"] == 1, ev
    assert ev["sci"] >= 2


def test_unaligned_dimm(make_qemu):
    """A DIMM at a 2 MiB-aligned, not 128 MiB-aligned address: add and remove both ways."""
    q = make_qemu().boot()
    m0 = mem_total(q)
    s_small, a_small = add(q, "small", "2M")
    s_odd, a_odd = add(q, "odd", "256M")
    assert a_odd % (128 * MiB) != 0 and a_odd % (2 * MiB) == 0, hex(a_odd)
    assert a_odd == a_small + 2 * MiB
    q.cmd("fill 32 movable node 0")
    remove(q, "odd")
    mmverify(q)
    s_odd2, a_odd2 = add(q, "odd2", "256M")
    assert a_odd2 == a_odd
    remove(q, "small")
    mmverify(q)
    remove(q, "odd2")
    mmverify(q)
    assert check_objects(q) == 1
    q.cmd("drop all")
    assert mem_total(q)["present"] == m0["present"]


def test_movable_fill_eject(make_qemu):
    """A DIMM holding movable fill objects: device_del migrates them; every object intact."""
    q = make_qemu().boot()
    slot, addr = add(q, "d1", "512M", node=1)
    for _ in range(3):
        assert "kind=movable" in q.cmd("fill 96 movable node 1", timeout=60)
    objs = q.cmd("objects")
    in_dimm = [l for l in objs.splitlines() if "pa0=" in l and addr <= int(kv(l)["pa0"], 16) < addr + 512 * MiB]
    assert in_dimm, f"no object placed in the DIMM at 0x{addr:x}:\n{objs}"
    remove(q, "d1")
    assert check_objects(q) == 3
    mmverify(q)
    ev = events(q)
    assert ev["memhp_eject_fails"] == 0


def test_pinned_eject_fails_then_succeeds(make_qemu):
    """A DIMM pinned by an unmovable page: failure _OST (busy), no DEVICE_DELETED, everything
    healthy; after `drop`, a second device_del succeeds."""
    q = make_qemu().boot()
    slot, addr = add(q, "d1", "512M", node=1)
    out = q.cmd(f"pin 0x{addr:x}-0x{addr + 512 * MiB:x}")
    pin_id = kv(out)["id"]
    q.cmd("fill 32 movable node 1")
    q.qmp.execute("device_del", id="d1")
    ost_event(q, "d1", OST_BUSY, timeout=30)
    # the kernel never ran _EJ0 for this eject, so QEMU cannot delete the device
    failed_eject(q, slot, addr, "MM_OWN_TEST_PIN")
    assert not deleted(q, "d1")
    assert "d1" in q.memory_devices()
    d = slot_state(q, slot, "online")
    assert d["eject_fails"] == "1"
    mmverify(q)
    assert check_objects(q) == 2
    assert "kind=movable" in q.cmd("fill 16 movable node 1")  # still usable
    assert "owner test-pin" in q.serial.text  # the blocking frame and its owner are logged
    q.cmd(f"drop {pin_id}")
    remove(q, "d1")
    mmverify(q)
    assert check_objects(q) == 2


def test_device_del_twice(make_qemu):
    """device_del sent twice quickly: one eject, one DEVICE_DELETED."""
    q = make_qemu().boot()
    slot, addr = add(q, "d1", "1G")
    q.qmp.execute("device_del", id="d1")
    try:
        q.qmp.execute("device_del", id="d1")
    except QMPError:
        pass  # already gone: fine
    q.qmp.wait_event("DEVICE_DELETED", 60, lambda e: e["data"].get("device") == "d1")
    # one eject ran (one _EJ0): QEMU deletes a device once per _EJ0
    trace = parse_trace(q.cmd("trace"))
    assert len([e for e in trace if e[2] == "ej0" and e[3] == slot]) == 1, trace
    assert len(deleted(q, "d1")) == 1
    ev = events(q)
    assert ev["memhp_ejects"] == 1, ev
    assert ev["memhp_eject_fails"] == 0
    mmverify(q)
    # the slot can be reused
    q.qmp.execute("object-del", id="mem-d1")
    add(q, "d2", "1G")
    remove(q, "d2")


def test_del_during_add(make_qemu):
    """device_del of one DIMM while another is being added: both end correctly."""
    q = make_qemu().boot()
    m0 = mem_total(q)
    s1, a1 = add(q, "d1", "1G")
    q.qmp.execute("object-add", {"qom-type": "memory-backend-ram", "id": "mem-d2", "size": 2 * GiB})
    q.qmp.execute("device_add", {"driver": "pc-dimm", "id": "d2", "memdev": "mem-d2"})
    q.qmp.execute("device_del", id="d1")
    q.qmp.wait_event("DEVICE_DELETED", 60, lambda e: e["data"].get("device") == "d1")
    ost_event(q, "d1", OST_SUCCESS, timeout=5)
    wait_online(q, "d2")
    assert mem_total(q)["present"] == m0["present"] + 2 * PAGES_PER_GIB
    mmverify(q)
    remove(q, "d2")
    assert mem_total(q)["present"] == m0["present"]


def test_shell_eject(make_qemu):
    """`eject <slot>` from the console removes a DIMM without device_del."""
    q = make_qemu().boot()
    m0 = mem_total(q)
    slot, addr = add(q, "d1", "512M")
    out = q.cmd(f"eject {slot}", timeout=60)
    assert f"eject slot={slot} result=ok" in out, out
    q.qmp.wait_event("DEVICE_DELETED", 30, lambda e: e["data"].get("device") == "d1")
    ost_event(q, "d1", OST_SUCCESS, timeout=5)
    assert "d1" not in q.memory_devices()
    assert mem_total(q)["present"] == m0["present"]
    mmverify(q)
    for bad in ("eject 99", "eject nonsense"):  # the command's own error, not "unknown command"
        assert re.search(r"^error: eject: ", q.cmd(bad), re.M), bad


def test_eject_impossible_bounded(make_qemu):
    """An eject whose data has nowhere to go (the rest of memory is taken by unmovable
    allocations) ends with a failure _OST in bounded time; data intact, memory online."""
    q = make_qemu(cold_dimms=[]).boot()
    slot, addr = add(q, "d1", "256M", node=1)
    assert "kind=movable" in q.cmd("fill 200 movable node 1", timeout=60)
    objs = q.cmd("objects")
    assert addr <= int(kv(objs.splitlines()[0])["pa0"], 16) < addr + 256 * MiB, objs
    # Take the free memory of the normal zones with unmovable allocations (never from the DIMM),
    # leaving 16 MiB: far less than the 200 MiB that would have to move.
    free = sum(int(kv(l)["free"]) for l in q.cmd("mem").splitlines() if kv(l).get("zone") == "normal")
    q.cmd(f"alloc {(free - 16 * MiB // 4096) // 512} 9", timeout=60)
    q.qmp.execute("device_del", id="d1")
    ost_event(q, "d1", OST_BUSY, timeout=30)
    # bounded: the offline failed at once, before migrating anything (no migrate event between the
    # cage and the failure) and without waiting for the offline timeout (it is not a timeout)
    trace, req, fail = failed_eject(q, slot, addr, "MM_OWN_MOVABLE_OBJ")
    assert find(trace, req, "migrate") is None or find(trace, req, "migrate") > fail, trace[req:]
    assert "offline error -12" in q.serial.text, "the eject did not fail for lack of room (ENOMEM)"
    assert not deleted(q, "d1")
    slot_state(q, slot, "online")
    assert check_objects(q) == 1
    mmverify(q)


def test_long_cycles(make_qemu):
    """50 add/remove cycles of two DIMMs with a movable workload: every cycle completes, free
    pages back to the baseline, no object corrupted. (Long: ~1 minute under TCG.)"""
    q = make_qemu().boot()
    assert "kind=movable" in q.cmd("fill 64 movable", timeout=60)

    def cycle(i):
        a, b = f"a{i}", f"b{i}"
        add(q, a, "256M", node=1)
        add(q, b, "128M", node=0)
        out = q.cmd("fill 48 movable node 1", timeout=60)
        oid = kv(out)["id"]
        remove(q, a)
        remove(q, b)
        q.cmd(f"drop {oid}")

    # Warm-up: the first fill maps a new stretch of the vmap area, whose page tables stay.
    cycle("w")
    m0 = mem_total(q)
    for i in range(50):
        cycle(i)
        if i % 10 == 9:
            assert check_objects(q) == 1
            mmverify(q)
    m1 = mem_total(q)
    assert m1["free"] == m0["free"], (m0, m1)
    assert m1["present"] == m0["present"]
    assert check_objects(q) == 1
    ev = events(q)
    assert ev["memhp_ejects"] == 102 and ev["memhp_eject_fails"] == 0 and ev["memhp_adds"] == 103, ev


def test_long_scale(make_qemu):
    """-m 2G,slots=16,maxmem=130G: eight 8 GiB DIMMs hot-added one after another are all online
    (64 GiB more), then all ejected; the kernel's own memory use is back where it started.
    (Long: ~1 minute under TCG.)"""
    q = make_qemu(mem="2G", slots=16, maxmem="130G", cold_dimms=[]).boot(timeout=120)
    m0 = mem_total(q)
    ids = [f"big{i}" for i in range(8)]
    for i in ids:
        add(q, i, "8G", node=i.endswith(("1", "3", "5", "7")) and 1 or 0)
    m1 = mem_total(q)
    assert m1["online"] - m0["online"] == 64 * PAGES_PER_GIB
    assert len([d for d in dimms(q).values() if d["state"] == "online"]) == 8
    mmverify(q)
    for i in ids:
        remove(q, i, timeout=120)
    m2 = mem_total(q)
    assert m2["present"] == m0["present"] and m2["online"] == m0["online"]
    # Back exactly where it started: the page directories that direct-mapped the removed
    # memory are freed with it (kernel/paging.c), and the DIMMs' frame database lived on them.
    assert m2["kernel"] == m0["kernel"], (m0, m2)
    mmverify(q)
