"""Issue 13: per-CPU page caches (mm/pcp.c) under -smp 4. Every CPU's cache is filled with pages
of a hot-added DIMM (`pcp fill`: a cross-call makes each CPU allocate and free movable pages of
the DIMM's node, so they stay in its cache); an offline of the DIMM must take all of them back
(it drains every CPU's cache after caging) and succeed; an eject does the same. Formats:
kernel/pcp_shell.c (`pcp ...` lines), kernel/mm_shell.c (`offline ok ...`)."""

import re

import test_hotplug as hp

NODE = 1
PAGES = 48


def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def cached(q):
    """{(cpu, node, zone): pages} from `pcp`, and its summary line."""
    out = q.cmd("pcp", timeout=60)
    head = next(kv(l) for l in out.splitlines() if l.startswith("pcp enabled="))
    per = {}
    for l in out.splitlines():
        if l.startswith("pcp cpu="):
            d = kv(l)
            per[(int(d["cpu"]), int(d["node"]), d["zone"])] = int(d["pages"])
    return head, per


def fill_every_cpu(q, cpus):
    out = q.cmd(f"pcp fill {PAGES} node {NODE}", timeout=120)
    assert f"pcp fill cpus={cpus} pages={PAGES} node={NODE} failed=0" in out, out
    _, per = cached(q)
    for c in range(cpus):
        assert per.get((c, NODE, "movable"), 0) >= PAGES, (c, per)


def test_offline_takes_back_every_cpus_cache(make_qemu):
    """4 CPUs each cache >= 48 pages of the DIMM; `offline` of the DIMM succeeds, no cache holds a
    page of node 1 afterwards, the DIMM's free pages are all accounted (free= before, 0 after),
    mmverify is clean; online and eject work after."""
    q = make_qemu(cpus=4, cold_dimms=[]).boot(timeout=180)
    head, _ = cached(q)
    assert head["enabled"] == "1", head
    _, addr = hp.add(q, "d1", "256M", node=NODE)
    fill_every_cpu(q, 4)
    before, _ = cached(q)
    rng = f"0x{addr:x}-0x{addr + 256 * hp.MiB:x}"
    out = q.cmd(f"offline {rng}", timeout=300)
    m = re.search(r"offline ok range=\S+ free=(\d+) migrated=(\d+) waited=(\d+)", out)
    assert m, out
    assert int(m.group(2)) == 0 and int(m.group(3)) == 0, out  # the cached pages count as free
    head, per = cached(q)
    assert not [k for k in per if k[1] == NODE], per
    assert int(head["drains"]) > int(before["drains"]), (before, head)  # the offline drained
    # the drain reached the other CPUs' caches the remote way: announced, then a cross-call that
    # every other CPU answered between two of its fast-way sections (kernel/ipi.c plat_cpu_sync)
    assert int(head["syncs"]) > int(before["syncs"]), (before, head)
    assert int(head["ipi_syncs"]) > int(before["ipi_syncs"]), (before, head)
    mem = [kv(l) for l in q.cmd("mem").splitlines() if l.startswith(f"mem node={NODE} zone=movable ")]
    assert mem and all(int(z["online"]) == 0 and int(z["free"]) == 0 for z in mem), mem
    hp.mmverify(q)
    assert "online ok range=" in q.cmd(f"online {rng}", timeout=120)
    fill_every_cpu(q, 4)
    q.qmp.execute("device_del", id="d1")
    q.qmp.wait_event("DEVICE_DELETED", 300, lambda e: e["data"].get("device") == "d1")
    _, per = cached(q)
    assert not [k for k in per if k[1] == NODE], per
    hp.mmverify(q)


def test_pcp_off_and_bad_input(make_qemu):
    """`pcp off` drains and disables the caches (allocations still work), `pcp on` turns them
    back on; junk arguments get an error and change nothing."""
    q = make_qemu(cpus=2, cold_dimms=[]).boot(timeout=180)
    for bad in ("pcp junk", f"pcp fill {10**6}", "pcp fill 0", "pcp fill 8 node 99", "pcp fill 8 nod 1"):
        out = q.cmd(bad)
        assert re.search(r"^error: pcp: ", out, re.M), (bad, out)  # not "unknown command"
    head, _ = cached(q)
    assert head["enabled"] == "1", head
    out = q.cmd("pcp off")
    head, per = cached(q)
    assert head["enabled"] == "0" and int(head["pages"]) == 0 and not per, out
    assert "kind=" in q.cmd("fill 8 movable", timeout=120)
    head, _ = cached(q)
    assert int(head["pages"]) == 0, head
    q.cmd("pcp on")
    head, _ = cached(q)
    assert head["enabled"] == "1", head
    hp.mmverify(q)
