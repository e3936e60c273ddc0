"""Issue 14: memory work proportional to blocks, not pages, on large machines (QEMU, TCG).

Every DIMM and big boot RAM here is backed reserve=off, so the host backs only what the guest
touches; QEMU's resident set (VmRSS) then shows how much of a DIMM the kernel wrote. Writing the
frame database of a DIMM would take 1/256 of its size (16 bytes per 4 KiB page): each test
asserts the growth stays below that (or far below the size, for boot RAM).
Timings are printed (pytest -s), never asserted; `make bench` has the figures (bench_scale.py).
"""

import re

from harness import GiB, MiB
from harness.scale import CPU_46BIT, CPU_46BIT_AMD, big_dimm_config, eject, hot_add_ost, kv, objects

TIB = 1 << 40


def mmverify(q):
    out = q.cmd("mmverify", timeout=600)
    assert "mmverify ok" in out, out


def mem_total(q):
    for line in q.cmd("mem", timeout=60).splitlines():
        if line.startswith("mem total "):
            return {k: int(v) for k, v in kv(line).items()}
    raise AssertionError("no 'mem total' line")


def check_objects(q):
    out = q.cmd("check", timeout=300)
    m = re.search(r"check objects=(\d+) bad=(\d+)", out)
    assert m and int(m.group(2)) == 0, out


def test_256g_dimm_add_fill_eject(make_qemu):
    """A 256 GiB DIMM: hot-add (its frame database is not written), `fill` data lands in its first
    section past its own memmap, eject migrates it out; QEMU's RSS stays far below 256 GiB."""
    size = 256 * GiB
    q = make_qemu(big_dimm_config("256G"), timeout=120).boot(300)
    rss0, present0 = q.rss(), mem_total(q)["present"]
    secs = hot_add_ost(q, "big", "256G", node=1)
    grown = q.rss() - rss0
    print(f"\n256 GiB hot-add -> _OST {secs:.2f} s, QEMU RSS +{grown / MiB:.1f} MiB")
    assert grown < size // 256, f"QEMU RSS grew {grown / MiB:.0f} MiB: the frame database was written"
    md = q.memory_devices()["big"]
    base, memmap = md["addr"], size // 256
    assert mem_total(q)["present"] - present0 == size // 4096
    mmverify(q)
    out = q.cmd("fill 64 movable node 1", timeout=300)
    assert "kind=movable" in out, out
    obj = objects(q)[-1]
    pa0 = int(obj["pa0"], 16)
    first = base + memmap  # the first section past the memmap (memmap is a whole number of sections)
    assert first <= pa0 < first + 128 * MiB, (hex(pa0), hex(first))
    secs = eject(q, "big")
    print(f"256 GiB eject (64 MiB migrated) {secs:.2f} s")
    assert "big" not in q.memory_devices()
    obj = objects(q)[-1]
    assert not base <= int(obj["pa0"], 16) < base + size, obj
    check_objects(q)
    mmverify(q)
    assert q.rss() - rss0 < size // 256


def _terabyte(make_qemu, machine, cpu):
    size = TIB
    q = make_qemu(big_dimm_config("1T", machine=machine, cpu=cpu), timeout=120).boot(300)
    rss0, present0 = q.rss(), mem_total(q)["present"]
    secs = hot_add_ost(q, "tb", "1T", node=1)
    grown = q.rss() - rss0
    md = q.memory_devices()["tb"]
    print(f"\n1 TiB hot-add ({machine}, cpu {cpu}) at {md['addr']:#x} -> _OST "
          f"{secs:.2f} s, QEMU RSS +{grown / MiB:.1f} MiB")
    assert grown < size // 256, f"QEMU RSS grew {grown / MiB:.0f} MiB"
    assert md["addr"] + size > TIB  # past 40 bits: the 46-bit section table at work
    assert mem_total(q)["present"] - present0 == size // 4096
    mmverify(q)
    secs = eject(q, "tb")
    print(f"1 TiB eject {secs:.2f} s")
    assert "tb" not in q.memory_devices()
    mmverify(q)
    return md


def test_1t_dimm_q35(make_qemu):
    """A 1 TiB DIMM on q35 (Intel: right after the 4 GiB line, so it straddles 1 TiB) with a
    46-bit physical address width: hot-add, mmverify, eject."""
    md = _terabyte(make_qemu, "q35", CPU_46BIT)
    assert md["addr"] < TIB, hex(md["addr"])


def test_1t_dimm_pc_amd_above_ht_hole(make_qemu):
    """On an AMD CPU QEMU moves device memory above 1 TiB (past the HyperTransport hole): the
    DIMM lives entirely above 40 bits."""
    md = _terabyte(make_qemu, "pc", CPU_46BIT_AMD)
    assert md["addr"] >= TIB, hex(md["addr"])


def test_64g_boot_ram_over_4_nodes(make_qemu):
    """-m 64G over 4 nodes (reserve=off): boots, the frame database of 64 GiB is not written,
    mmverify passes."""
    from harness import QemuConfig

    cfg = QemuConfig(mem="64G", numa_nodes=4, ram_reserve=False, slots=2, maxmem="66G", cold_dimms=[])
    q = make_qemu(cfg, timeout=120).boot(300)
    t = mem_total(q)
    assert t["present"] * 4096 > 63 * GiB, t
    nodes = {kv(line)["node"] for line in q.cmd("mem").splitlines() if line.startswith("mem node=")}
    assert nodes == {"0", "1", "2", "3"}, nodes
    mmverify(q)
    rss = q.rss()
    print(f"\n64 GiB boot: QEMU RSS {rss / MiB:.1f} MiB")
    assert rss < 64 * GiB // 64, f"QEMU RSS {rss / MiB:.0f} MiB"
