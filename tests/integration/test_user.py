"""Issue 16: user processes whose memory is movable. Programs (user/) run in ring 3 from the
shell; their pages live in the movable zone of their node, are found through the reverse map
and migrated while they run when a DIMM is ejected; a pinned page blocks the eject naming the
process. `ps` lines: pid=N name=S state=running|killing|exited cpu=C resident=N
[nX_normal=N] [nX_movable=N] passes=N errors=N faults=N migration_waits=N stall_max_us=N
exit="msg"."""

import re
import time

from harness import MiB
from test_hotplug import OST_BUSY, OST_EJECT, OST_SUCCESS, add, dimms, kv, mmverify, ost_event, remove, slot_state

MEMTEST_MIB = 300
PAGES = MEMTEST_MIB * MiB // 4096


def ps(q):
    """pid -> ps fields (exit: the quoted message, which has spaces)."""
    out = {}
    for line in q.cmd("ps", timeout=60).splitlines():
        if line.startswith("pid="):
            head, _, msg = line.partition(' exit="')
            d = kv(head)
            d["exit"] = msg.rstrip('"')
            out[int(d["pid"])] = d
    return out


def run(q, line):
    out = q.cmd(f"run {line}", timeout=120)
    m = re.search(r"^pid=(\d+)", out, re.M)
    assert m, out
    return int(m.group(1))


def wait_ps(q, pid, pred, what, timeout=300.0):
    """Poll `ps` until pred(fields of pid) holds; returns the fields."""
    deadline = time.monotonic() + timeout
    while True:
        d = ps(q).get(pid, {})
        if d and pred(d):
            return d
        if time.monotonic() > deadline:
            raise AssertionError(f"pid {pid}: not {what} within {timeout}s: {d}")
        time.sleep(0.5)


def passes_beyond(q, pid, n, timeout=300.0):
    return wait_ps(q, pid, lambda d: int(d["passes"]) > n, f"past pass {n}", timeout)


def user_stats(q):
    return kv(next(l for l in q.cmd("user").splitlines() if l.startswith("user_pages=")))


def kill(q, pid):
    assert f"killing pid {pid}" in q.cmd(f"kill {pid}")
    wait_ps(q, pid, lambda d: d["state"] == "exited", "exited", 120)


def free_pages(q):
    for line in q.cmd("mem").splitlines():
        if line.startswith("mem total "):
            return int(kv(line)["free"])
    raise AssertionError("no 'mem total' line")


def boot(make_qemu):
    """-smp 4, no cold DIMM; a 512 MiB DIMM d1 hot-added on node 1 (its movable zone)."""
    q = make_qemu(cpus=4, cold_dimms=[]).boot(timeout=180)
    slot, addr = add(q, "d1", "512M", node=1)
    return q, slot, addr


def test_memtest_survives_eject(make_qemu):
    """memtest 300 node 1 has its buffer in the DIMM; device_del completes while it runs; it
    keeps passing with zero mismatches, its pages now elsewhere; the trace shows user pages
    migrated."""
    q, slot, addr = boot(make_qemu)
    pid = run(q, f"memtest {MEMTEST_MIB} node 1")
    d = passes_beyond(q, pid, 0)
    assert int(d.get("n1_movable", 0)) >= PAGES, d  # the buffer is in the DIMM (node 1 movable)
    q.hot_remove_dimm("d1", timeout=600)
    ost_event(q, "d1", 0, timeout=30)
    after = int(ps(q)[pid]["passes"])
    d = passes_beyond(q, pid, after + 1)
    assert d["errors"] == "0" and d["state"] == "running", d
    assert "n1_movable" not in d and int(d["resident"]) >= PAGES, d  # every page moved off the DIMM
    st = user_stats(q)
    assert int(st["migrated"]) >= PAGES, st
    assert "user-migrate" in q.cmd("trace", timeout=120)
    print(f"memtest stall_max_us={d['stall_max_us']} migration_waits={d['migration_waits']}")
    kill(q, pid)
    assert user_stats(q)["user_pages"] == "0"
    mmverify(q)


def test_share_survives_eject(make_qemu):
    """share: two processes on one shared mapping in the DIMM; after the eject both still agree
    (the reader verifies every generation the writer publishes) and the pages are elsewhere."""
    q, slot, addr = boot(make_qemu)
    writer = run(q, "share node 1")
    reader = wait_ps(q, writer + 1, lambda d: d["name"] == "share", "started", 60)
    reader = writer + 1
    passes_beyond(q, reader, 1)
    st = user_stats(q)
    assert int(st["mappings"]) > int(st["user_pages"]), st  # shared pages have several mappings
    assert int(ps(q)[reader].get("n1_movable", 0)) > 0
    q.hot_remove_dimm("d1", timeout=600)
    after = int(ps(q)[reader]["passes"])
    d = passes_beyond(q, reader, after + 2)
    assert d["errors"] == "0", d
    for p in (writer, reader):
        assert "n1_movable" not in ps(q)[p], ps(q)[p]
    assert int(user_stats(q)["migrated"]) > 0
    kill(q, reader)
    kill(q, writer)
    assert user_stats(q)["user_pages"] == "0"


def test_pin_blocks_eject_until_kill(make_qemu):
    """pin 8 node 1: device_del fails (busy _OST) naming the process and its pin in the log,
    the trace and `dimms`; after `kill`, device_del succeeds."""
    q, slot, addr = boot(make_qemu)
    pid = run(q, "pin 8 node 1")
    wait_ps(q, pid, lambda d: int(d["passes"]) > 0, "pinned", 120)
    assert int(user_stats(q)["pinned"]) == 8 * MiB // 4096
    q.qmp.execute("device_del", id="d1")
    ost_event(q, "d1", OST_BUSY, timeout=120)
    d = slot_state(q, slot, "online")
    who = f"pid={pid},prog=pin,pin=dma-buf"
    assert who in d.get("blocker", ""), d
    assert who in q.serial.text
    assert re.search(rf"user-pinned .* c=0x{pid:x}$", q.cmd("trace", timeout=120), re.M)  # c: the pid
    assert ps(q)[pid]["state"] == "running"
    kill(q, pid)
    remove(q, "d1", timeout=300)
    assert user_stats(q)["user_pages"] == "0"
    mmverify(q)


def test_pinned_pages_freed_during_the_offline_wait(make_qemu):
    """Issue 12, the offline wait means something: on -smp 4 an eject's offline waits for the pages
    a process pinned (other CPUs run threads that may free them). The process is killed while the
    offline waits - after the offline caged the DIMM, seen in the trace - and its exit, not the
    test, frees the pages: the offline takes them into the cage ("waited" pages) and the eject
    succeeds without a busy _OST. (If the wait failed at once, or only slept, the eject would fail
    busy before the kill or never see the pages go.)"""
    from harness.trace import find, parse_trace
    q, slot, addr = boot(make_qemu)
    assert "offline-timeout ms=600000" in q.cmd("offline-timeout 600000 600000")
    pid = run(q, "pin 8 node 1")
    wait_ps(q, pid, lambda d: int(d["passes"]) > 0, "pinned", 120)
    q.qmp.execute("device_del", id="d1")
    deadline = time.monotonic() + 300
    while find(parse_trace(q.cmd("trace", timeout=120)), 0, "cage", lambda e: e[3] == addr) is None:
        assert time.monotonic() < deadline, "the eject's offline did not cage the DIMM"
        time.sleep(0.2)
    kill(q, pid)
    end = q.qmp.wait_event("ACPI_DEVICE_OST", 300, lambda e: e["data"]["info"].get("device") == "d1"
                           and e["data"]["info"]["source"] == OST_EJECT
                           and e["data"]["info"]["status"] in (OST_SUCCESS, OST_BUSY))
    assert end["data"]["info"]["status"] == OST_SUCCESS, "the eject failed busy instead of waiting"
    q.qmp.wait_event("DEVICE_DELETED", 60, lambda e: e["data"].get("device") == "d1")
    m = re.search(rf"slot {slot} offline and removed \(free \d+ migrated \d+ waited (\d+) pages", q.serial.text)
    assert m, q.serial.text[-2000:]
    assert int(m[1]) >= 8 * MiB // 4096, m[0]  # the pinned pages came in during the wait
    assert user_stats(q)["user_pages"] == "0"
    mmverify(q)


def test_fault_and_bad_elf(make_qemu):
    """A process faulting on a bad address is ended with a message naming the address, the
    access and the pid; the kernel and another process keep running. A malformed ELF is refused
    with a clear error."""
    q = make_qemu(cpus=4).boot(timeout=180)
    mt = run(q, "memtest 4")
    for how, access in (("write", "write"), ("read", "read"), ("exec", "exec"), ("kernel", "write")):
        pid = run(q, f"fault {how}")
        d = wait_ps(q, pid, lambda d: d["state"] == "exited", "exited", 60)
        assert f"page fault at 0x" in d["exit"] and f"({access}," in d["exit"], d
        assert re.search(rf"pid {pid} \(fault\) killed: page fault at 0x\w+ \({access},", q.serial.text)
    pid = run(q, "fault priv")
    d = wait_ps(q, pid, lambda d: d["state"] == "exited", "exited", 60)
    assert d["exit"].startswith("general protection"), d
    out = q.cmd("run badelf")
    # each refused with the command's own error (not "unknown command"); a log line may come first
    assert re.search(r"^error: run: ", out, re.M) and "run badelf: program header table outside the file" in q.cmd("log")
    for bad in ("run nosuch", "ps junk", "kill 999", "run"):
        out = q.cmd(bad)
        assert re.search(rf"^error: {bad.split()[0]}: ", out, re.M), (bad, out)
    assert "prog=memtest" in q.cmd("progs") and "user_pages=" in q.cmd("user")
    passes = int(ps(q)[mt]["passes"])
    d = passes_beyond(q, mt, passes)
    assert d["errors"] == "0" and d["state"] == "running"
    kill(q, mt)
    assert user_stats(q)["user_pages"] == "0"


def test_eject_cycles_no_leak(make_qemu):
    """20 cycles: hot-add a DIMM, run memtest in it, eject it while memtest runs: no mismatch,
    and the free pages come back to the baseline. The baseline is taken after the first cycle:
    it allocates what lives for good (the reverse map's hash table, heap slabs)."""
    q = make_qemu(cpus=4, cold_dimms=[]).boot(timeout=180)
    base = None
    for i in range(21):
        if i == 1:
            base = free_pages(q)
        add(q, f"c{i}", "128M", node=1)
        pid = run(q, "memtest 64 node 1")
        d = passes_beyond(q, pid, 0)
        assert int(d.get("n1_movable", 0)) >= 64 * MiB // 4096, d
        q.hot_remove_dimm(f"c{i}", timeout=600)
        d = passes_beyond(q, pid, int(ps(q)[pid]["passes"]))
        assert d["errors"] == "0", (i, d)
        kill(q, pid)
    assert user_stats(q)["user_pages"] == "0"
    mmverify(q)
    assert free_pages(q) == base, (base, q.cmd("mem"))


def test_hm_ps_shows_mappings(make_qemu):
    """hm-ps (scripts/hotmem-gdb.py) shows a process, its vmas with resident pages, and with a
    pid each mapped page; memtest's buffer pages are in the cold DIMM (above 4 GiB)."""
    from harness import ELF, Gdb
    from harness.skip import require
    from test_gdb_helpers import block, show

    require(ELF)
    q = make_qemu(gdb=True, cpus=2)
    cmds = ["break shell_run_command", "continue", "continue", *show("hm-ps"), *show("hm-ps 1"), "continue"]
    g = Gdb(q, cmds).start()
    try:
        q.wait_prompt(timeout=90)
        q.send_line("run memtest 8 node 1")
        q.wait_for(r"memtest: pid 1 filled 8 MiB at 0x10000000000", timeout=120)
        q.cmd("ps", timeout=120)
        procs = block(g, "hm-ps")
        assert re.search(r"^pid=1 name=memtest state=running cpu=1 node=1 ", procs, re.M), procs
        assert re.search(r"^  vma 0x10000000000-0x10000800000 prot=rw- shm=none resident=2048 migrating=0$",
                         procs, re.M), procs
        pages = block(g, "hm-ps 1")
        pas = [int(m, 16) for m in re.findall(r"^    va=0x1000[0-9a-f]{7} pa=(0x[0-9a-f]+) present w$", pages, re.M)]
        assert len(pas) == 2048 and all(pa >= 1 << 32 for pa in pas), pages[:2000]
    finally:
        g.close()


def test_program_output_never_splits_a_typed_line(make_qemu):
    """tick prints a line every 20 ms from another CPU. A command typed in two halves with a pause
    between them (as a person types) echoes as one line: the ticks printed meanwhile are held back
    and come after the command's output, before the prompt, in order and none lost."""
    q = make_qemu(cpus=2, cold_dimms=[]).boot(timeout=180)
    pid = run(q, "tick 20")
    wait_ps(q, pid, lambda d: int(d["passes"]) >= 3, "ticking", 120)
    q.serial.skip()
    q.serial.write("vers")
    time.sleep(1.0)  # the typing pause under test (about 50 ticks); the ticks held are counted below
    q.serial.write("ion\r")
    m = q.wait_for(r"vers(?P<echo>[^\n]*)\n(?P<out>.*?)^hotmem> ", timeout=60, flags=re.S)
    assert m.group("echo") == "ion", m.group(0)  # nothing between the two halves of the echo
    out = m.group("out")
    head, _, held = out.partition("tick ")
    assert "hotmem" in head and "tick" not in head, out  # the command's output first
    ticks = [int(n) for n in re.findall(r"^tick (\d+)$", "tick " + held, re.M)]
    assert len(ticks) >= 1 and ticks == list(range(ticks[0], ticks[0] + len(ticks))), out
    kill(q, pid)
