"""Issue 15: virtio-mem end to end in QEMU (TCG): PCI discovery, grow and shrink following
requested-size, unplug with movable data, a pinned page that blocks and then lets go, DIMMs beside
it, system reset, requests changing while a resize runs, and unplugged memory never written.

Every wait is on an event: the kernel's "vmem: size 0x... reached" / "resize stopped" console lines
and QMP's MEMORY_DEVICE_SIZE_CHANGE; the plugged size is always checked from QEMU's side
(query-memory-devices "size"). `vmem` and `mem` formats are in drivers/virtio/virtio_mem_shell.c
and docs/mm.md.
"""

import os
import random
import re

import pytest

from harness import GiB, MiB, VirtioMem
from test_hotplug import check_objects, kv, mmverify

COMBOS = [("q35", "bios"), ("q35", "ovmf"), ("pc", "bios"), ("pc", "ovmf")]
PAGE = 4096


def vmem_info(q):
    """Merged key=value fields of the `vmem` lines of device 0, plus {section: mask}."""
    out, masks = {}, {}
    for line in q.cmd("vmem").splitlines():
        d = kv(line)
        if d.get("dev") != "0":
            continue
        if "section" in d:
            masks[int(d["section"])] = int(d["plugged"], 16)
        else:
            out.update(d)
    out["masks"] = masks
    return out


def mem_lines(q):
    out = {}
    for line in q.cmd("mem").splitlines():
        m = re.match(r"mem (node=\d+ zone=\w+|total) (.*)", line)
        if m:
            out[m.group(1)] = {k: int(v) for k, v in kv(m.group(2)).items()}
    return out


def boot_vmem(make_qemu, machine="q35", firmware="bios", backend="ram", **kw):
    q = make_qemu(machine=machine, firmware=firmware, virtio_mem=[VirtioMem("vm0", "4G", backend=backend)], **kw)
    q.boot(180)
    return q


def wait_size_event(q, size):
    """QMP's (rate-limited) MEMORY_DEVICE_SIZE_CHANGE reporting size for vm0."""
    return q.qmp.wait_event("MEMORY_DEVICE_SIZE_CHANGE", 60,
                            lambda e: e["data"].get("id") == "vm0" and e["data"]["size"] == size)


# ---- discovery -------------------------------------------------------------------------------
@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_pci_lists_virtio_mem(make_qemu, machine):
    q = boot_vmem(make_qemu, machine)
    out = q.cmd("pci")
    assert f"mechanism={'ecam' if machine == 'q35' else 'ports'}" in out, out
    m = re.search(r"^(\S+) id=1af4:1058 class=00ff00 rev=1 hdr=0 irq=(\d+) pin=1\n\s+bar4 mem base=(0x[0-9a-f]+) "
                  r"size=0x4000 64bit prefetch", out, re.M)
    assert m, out
    # the BAR is kept apart from RAM in the memory map
    bar = int(m.group(3), 16)
    mm = q.cmd("memmap")
    assert re.search(rf"\[mem 0x{bar:016x}-0x{bar + 0x3fff:016x}\] reserved", mm), mm
    info = vmem_info(q)
    region = q.memory_devices()["vm0"]
    assert int(info["addr"], 16) == region["memaddr"] and int(info["region"], 16) == 4 * GiB
    assert info["irq"] == "line" and info["state"] == "idle" and int(info["plugged"], 16) == 0


# ---- grow and shrink ---------------------------------------------------------------------------
@pytest.mark.parametrize("machine,firmware", COMBOS)
def test_grow_2g_and_shrink_idle(make_qemu, machine, firmware):
    q = boot_vmem(make_qemu, machine, firmware)
    before = mem_lines(q)["total"]
    q.vmem_resize("vm0", 2 * GiB)
    wait_size_event(q, 2 * GiB)
    assert q.vmem_size("vm0") == 2 * GiB
    after = mem_lines(q)
    assert after["total"]["present"] - before["present"] == 2 * GiB // PAGE
    # the frame database (8 KiB per 2 MiB = 8 MiB) and section tables come from boot RAM
    assert after["total"]["free"] - before["free"] >= 2 * GiB // PAGE - 9 * MiB // PAGE
    assert after["node=0 zone=movable"]["online"] == 2 * GiB // PAGE  # only virtio-mem memory is movable on node 0
    info = vmem_info(q)
    assert int(info["plugged"], 16) == 2 * GiB and info["state"] == "idle"
    assert sum(bin(v).count("1") for v in info["masks"].values()) == 1024  # 2 MiB blocks
    q.vmem_resize("vm0", 0)
    wait_size_event(q, 0)
    assert q.vmem_size("vm0") == 0
    assert mem_lines(q)["total"]["present"] == before["present"]
    assert vmem_info(q)["masks"] == {}
    mmverify(q)


@pytest.mark.parametrize("machine,firmware", [("q35", "bios"), ("pc", "ovmf")])
def test_shrink_with_600m_movable_data(make_qemu, machine, firmware):
    q = boot_vmem(make_qemu, machine, firmware)
    q.vmem_resize("vm0", 2 * GiB)
    out = q.cmd("fill 600 movable node 0", timeout=300)
    assert "fill id=" in out, out
    # the data is in the device's memory (node 0's movable zone is only virtio-mem memory)
    assert mem_lines(q)["node=0 zone=movable"]["movable"] >= 600 * MiB // PAGE
    q.vmem_resize("vm0", 512 * MiB, timeout=600)
    assert q.vmem_size("vm0") == 512 * MiB
    info = vmem_info(q)
    assert int(info["plugged"], 16) == 512 * MiB
    # cheapest first: the blocks kept are full of data, so only the 88 MiB beyond the 512 MiB kept
    # moved (at least that much must move; a dearer choice of blocks moves more)
    assert int(info["pages_moved"]) == (600 - 512) * MiB // PAGE, info
    check_objects(q)
    mmverify(q)


def test_pinned_page_stops_shrink_then_completes(make_qemu):
    q = boot_vmem(make_qemu)
    q.vmem_resize("vm0", 256 * MiB)
    base = q.memory_devices()["vm0"]["memaddr"]
    out = q.cmd(f"pin 0x{base + 128 * MiB:x}-0x{base + 130 * MiB:x}")
    m = re.search(r"pin id=(\d+)", out)
    assert m, out
    line = q.vmem_resize("vm0", 0, stuck=True).group(0)
    assert "test-pin" in line and "resize stopped at 0x200000" in line, line
    assert q.vmem_size("vm0") == 2 * MiB
    info = vmem_info(q)
    assert info["state"] == "stuck" and info["owner"] == "test-pin", info
    assert int(info["blocker_pfn"], 16) * PAGE // (2 * MiB) == (base + 128 * MiB) // (2 * MiB)
    stuck_reqs = int(info["unplug"])
    # nothing changes: no request is sent again (no busy loop) while the worker is woken by 50 timer
    # ticks (counted by the kernel, read with `uptime`: the ticks are what would drive a retry), and
    # the shell stays responsive
    ticks = lambda: int(re.search(r"^up \S+ s, (\d+) timer ticks", q.cmd("uptime"), re.M).group(1))
    t0 = ticks()
    while ticks() < t0 + 50:
        pass
    assert int(vmem_info(q)["unplug"]) == stuck_reqs
    start = q.serial.cursor  # the retry's line may come out with the drop's own output
    q.cmd(f"drop {m.group(1)}")
    q.serial.cursor = start
    q.wait_for(r"vmem: size 0x0 reached", 60)
    assert q.vmem_size("vm0") == 0
    mmverify(q)


# ---- with DIMMs, reset, changing requests ----------------------------------------------------------
def wait_all(q, patterns, timeout):
    """Wait for every pattern in any order: events of different threads (the virtio-mem driver,
    the ACPI worker) have no fixed order on the console. The cursor ends past the last match."""
    start, end = q.serial.cursor, q.serial.cursor
    for p in patterns:
        q.serial.cursor = start
        end = max(end, q.wait_for(p, timeout).end())
    q.serial.cursor = end


def test_with_dimm_hot_add_and_eject_during_resize(make_qemu):
    q = boot_vmem(make_qemu)
    q.vmem_request("vm0", 1 * GiB)
    q.hot_add_dimm("d1", "1G", node=1)
    wait_all(q, [r"vmem: size 0x40000000 reached", r"memhp: slot 1 online"], 120)
    q.vmem_request("vm0", 2 * GiB)
    q.hot_remove_dimm("dimm0", timeout=120)
    q.wait_for(r"vmem: size 0x80000000 reached", 120)
    devs = q.memory_devices()
    assert "dimm0" not in devs and devs["vm0"]["size"] == 2 * GiB and devs["d1"]["size"] == GiB
    q.vmem_request("vm0", 0)
    q.hot_remove_dimm("d1", timeout=120)
    q.wait_for(r"vmem: size 0x0 reached", 120)
    assert q.vmem_size("vm0") == 0
    mmverify(q)


def test_reboot_with_memory_plugged(make_qemu):
    q = boot_vmem(make_qemu, no_reboot=False)
    q.vmem_resize("vm0", 1 * GiB)
    q.cmd("fill 100 movable node 0")
    q.send_line("reboot")
    # QEMU unplugs everything at reset; requested-size stays: the new kernel plugs it again
    q.wait_for(r"vmem: .*region 0x[0-9a-f]+-0x[0-9a-f]+ .*plugged 0x0 requested 0x40000000", 180)
    q.wait_for(r"vmem: size 0x40000000 reached", 120)
    q.wait_prompt(60)
    assert q.vmem_size("vm0") == GiB
    assert int(vmem_info(q)["plugged"], 16) == GiB
    mmverify(q)


@pytest.mark.parametrize("machine,firmware", [("q35", "bios"), ("pc", "ovmf")])
def test_restart_with_memory_plugged_sends_unplug_all(make_qemu, machine, firmware):
    """QEMU's reset unplugs everything, so a reboot never shows the driver plugged memory; a driver
    reload on the live device (`vmem restart`, what kexec leaves behind) does: the device still
    counts 512 MiB plugged, the new driver sends UNPLUG_ALL first, then plugs requested-size again.
    The data that lived in the device's memory moved out and is intact."""
    from harness.trace import find, parse_trace

    q = boot_vmem(make_qemu, machine, firmware)
    q.vmem_resize("vm0", 512 * MiB)
    assert "fill id=" in q.cmd("fill 100 movable node 0", timeout=300)
    # a pinned page in the device: the reload is refused and nothing changes
    base = q.memory_devices()["vm0"]["memaddr"]
    pin = re.search(r"pin id=(\d+)", q.cmd(f"pin 0x{base + 300 * MiB:x}-0x{base + 302 * MiB:x}")).group(1)
    out = q.cmd("vmem restart", timeout=600)
    assert "vmem dev=0 restart=refused" in out and "cannot go offline" in out, out
    info = vmem_info(q)
    assert int(info["plugged"], 16) == 512 * MiB and int(info["unplug_all"]) == 0, info
    assert mem_lines(q)["node=0 zone=movable"]["present"] == 512 * MiB // PAGE
    check_objects(q)
    q.cmd(f"drop {pin}")
    start = q.serial.cursor
    out = q.cmd("vmem restart", timeout=600)
    assert "vmem dev=0 restart=ok" in out, out
    q.serial.cursor = start
    q.wait_for(r"vmem: .*plugged 0x20000000 requested 0x20000000", 60)
    q.wait_for(r"vmem: UNPLUG_ALL of 0x20000000 at start: done", 60)
    q.wait_for(r"vmem: size 0x20000000 reached \(requested 0x20000000\)", 300)
    assert q.vmem_size("vm0") == 512 * MiB
    trace = parse_trace(q.cmd("trace"))
    req = find(trace, 0, "vmem-request", lambda e: e[3] == 2)
    assert req is not None, trace
    resp = find(trace, req, "vmem-response", lambda e: e[3] == 2)
    assert resp is not None and trace[resp][4] == 0, trace[req:]  # ACK
    plug = find(trace, resp, "vmem-request", lambda e: e[3] == 0)
    assert plug is not None, trace[resp:]  # plugged again only after UNPLUG_ALL
    info = vmem_info(q)
    assert info["state"] == "idle" and int(info["unplug_all"]) == 1 and int(info["error"]) == 0, info
    assert int(info["plugged"], 16) == 512 * MiB
    assert sum(bin(v).count("1") for v in info["masks"].values()) == 256
    check_objects(q)
    mmverify(q)


def test_requested_size_lowered_mid_plug(make_qemu):
    q = boot_vmem(make_qemu)
    q.vmem_request("vm0", 4 * GiB)
    q.vmem_request("vm0", 256 * MiB)
    q.wait_for(r"vmem: size 0x10000000 reached \(requested 0x10000000\)", 300)
    assert q.vmem_size("vm0") == 256 * MiB
    info = vmem_info(q)
    assert info["state"] == "idle" and int(info["error"]) == 0 and int(info["no_resp"]) == 0, info
    mmverify(q)


def test_requested_size_storm(make_qemu):
    seed = int(os.environ.get("HOTMEM_TEST_SEED", "15"), 0)
    print(f"storm seed {seed} (HOTMEM_TEST_SEED={seed} repeats it)")
    rng = random.Random(seed)
    q = boot_vmem(make_qemu)
    sizes = [rng.randrange(0, 2048, 2) * MiB for _ in range(40)]
    for s in sizes:
        q.vmem_request("vm0", s)
    final = sizes[-1]
    q.wait_for(rf"vmem: size 0x{final:x} reached \(requested 0x{final:x}\)", 600)
    assert q.vmem_size("vm0") == final
    info = vmem_info(q)
    assert info["state"] == "idle" and int(info["error"]) == 0 and int(info["no_resp"]) == 0, info
    assert sum(bin(v).count("1") for v in info["masks"].values()) * 2 * MiB == final
    mmverify(q)


# ---- unplugged memory is never written ------------------------------------------------------
def memfd_allocated(q, name="memory-backend-memfd"):
    """Bytes the host has allocated in the memfd backing the device (st_blocks of QEMU's fd)."""
    fd_dir = f"/proc/{q.proc.pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(f"{fd_dir}/{fd}")
        except OSError:
            continue
        if target.startswith(f"/memfd:{name}"):
            return os.stat(f"{fd_dir}/{fd}").st_blocks * 512
    raise AssertionError(f"no memfd {name} among QEMU's files")


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_memfd_unplugged_never_written(make_qemu, machine):
    q = boot_vmem(make_qemu, machine, backend="memfd")
    info = vmem_info(q)
    assert int(info["features"], 16) & 0x2, info  # UNPLUGGED_INACCESSIBLE negotiated
    assert memfd_allocated(q) == 0
    q.vmem_resize("vm0", 1 * GiB)
    # plugging writes nothing to the new memory (its frame database lives in the kernel heap)
    assert memfd_allocated(q) <= 2 * MiB
    q.cmd("fill 700 movable node 0", timeout=300)
    assert 600 * MiB <= memfd_allocated(q) <= GiB
    q.vmem_resize("vm0", 256 * MiB, timeout=600)
    assert q.vmem_size("vm0") == 256 * MiB
    # QEMU punched the unplugged blocks out; none was written again afterwards
    assert memfd_allocated(q) <= 256 * MiB
    check_objects(q)
    assert memfd_allocated(q) <= 256 * MiB
    q.cmd("drop all")
    q.vmem_resize("vm0", 0)
    assert memfd_allocated(q) == 0
    mmverify(q)


# ---- gdb -----------------------------------------------------------------------------------
def test_hm_vmem_matches_shell(make_qemu):
    """hm-vmem, run while the kernel is stopped at the start of `vmem`, shows the same sizes, state,
    blocker and per-section plugged masks."""
    from harness import ELF, Gdb
    from harness.skip import require
    from test_gdb_helpers import block, show

    require(ELF)
    q = make_qemu(gdb=True, virtio_mem=[VirtioMem("vm0", "4G")])
    g = Gdb(q, ["break shell_run_command", "continue", *show("hm-vmem"), "continue"]).start()
    try:
        q.wait_prompt(timeout=120)
        q.vmem_resize("vm0", 300 * MiB)
        shell_out = q.cmd("vmem", timeout=120)
        gdb_out = block(g, "hm-vmem")
        shell_masks = [l for l in shell_out.splitlines() if " section=" in l]
        assert len(shell_masks) == 3, shell_out  # 300 MiB from a 128 MiB-aligned base
        assert [l for l in gdb_out.splitlines() if " section=" in l] == shell_masks, gdb_out
        summary = kv(gdb_out.splitlines()[0])
        assert int(summary["plugged"], 16) == 300 * MiB and int(summary["requested"], 16) == 300 * MiB
        assert summary["state"] == "idle" and summary["owner"] == "-", gdb_out
    finally:
        g.close()


def test_polling_fallback(make_qemu):
    """Without the interrupt line (`vmem poll` detaches and masks it) the main loop notices the
    config change by reading the ISR and waits for answers on the used ring."""
    q = boot_vmem(make_qemu)
    assert "1 device(s) polling" in q.cmd("vmem poll")
    info = vmem_info(q)
    assert info["irq"] == "poll", info
    irqs = int(info["irqs"])
    q.vmem_resize("vm0", 1 * GiB)
    assert q.vmem_size("vm0") == GiB
    q.vmem_resize("vm0", 128 * MiB)
    assert q.vmem_size("vm0") == 128 * MiB
    info = vmem_info(q)
    assert int(info["irqs"]) == irqs and int(info["no_resp"]) == 0, info
    assert "usage: vmem [poll|restart]" in q.cmd("vmem bogus")
    mmverify(q)


def test_interrupt_wakes_the_worker(make_qemu):
    """The config-change interrupt records the change and wakes the worker thread itself: with the
    timer ticks no longer waking it (`failinject tick off`), a grow and a shrink still complete
    (QEMU's MEMORY_DEVICE_SIZE_CHANGE events). Before, the interrupt only recorded the change and
    the next tick (up to 10 ms later) ran the worker: here, never."""
    q = boot_vmem(make_qemu)
    assert "timer ticks no longer wake the worker thread" in q.cmd("failinject tick off")
    irqs = int(vmem_info(q)["irqs"])
    q.vmem_request("vm0", 256 * MiB)
    wait_size_event(q, 256 * MiB)
    q.vmem_request("vm0", 64 * MiB)
    wait_size_event(q, 64 * MiB)
    assert int(vmem_info(q)["irqs"]) > irqs
    assert "timer ticks wake the worker thread" in q.cmd("failinject tick on")
    assert "usage: failinject" in q.cmd("failinject tick maybe")
    q.vmem_resize("vm0", 0)
    mmverify(q)


def test_region_not_section_aligned(make_qemu):
    """QEMU only promises a block-aligned region: at 2 MiB past a 128 MiB boundary the first
    section is partly in the region. Grow and shrink work; the masks show the partial sections;
    the plugged memory is usable and nothing is lost."""
    addr = 0x140000000 + 2 * MiB  # past make run's 512 MiB DIMM at 0x100000000
    q = make_qemu(virtio_mem=[VirtioMem("vm0", "1G", memaddr=addr)])
    q.boot(180)
    info = vmem_info(q)
    assert int(info["addr"], 16) == addr and int(info["bad_config"]) == 0, info
    q.vmem_resize("vm0", 300 * MiB)
    assert q.vmem_size("vm0") == 300 * MiB
    masks = vmem_info(q)["masks"]
    sec = addr >> 27
    # 150 blocks from bit 1 of the first section: 63 + 64 + 23
    assert masks == {sec: (1 << 64) - 2, sec + 1: (1 << 64) - 1, sec + 2: (1 << 23) - 1}, masks
    assert "fill id=" in q.cmd("fill 200 movable node 0", timeout=300)
    q.vmem_resize("vm0", 0, timeout=600)
    assert q.vmem_size("vm0") == 0 and vmem_info(q)["masks"] == {}
    check_objects(q)
    mmverify(q)


@pytest.mark.parametrize("block", ["1M", "4M", "128M"])
def test_other_block_sizes(make_qemu, block):
    """Units are max(block, 2 MiB): 1 MiB blocks go two per unit, bigger blocks are one unit each."""
    q = make_qemu(virtio_mem=[VirtioMem("vm0", "4G", block=block)])
    q.boot(180)
    bs = int(block[:-1]) * MiB
    info = vmem_info(q)
    assert int(info["block"], 16) == bs and int(info["unit"], 16) == max(bs, 2 * MiB), info
    q.vmem_resize("vm0", 768 * MiB)
    assert q.vmem_size("vm0") == 768 * MiB
    assert sum(bin(v).count("1") for v in vmem_info(q)["masks"].values()) == 384  # 2 MiB subsections
    q.vmem_resize("vm0", 256 * MiB)
    assert q.vmem_size("vm0") == 256 * MiB
    q.vmem_resize("vm0", 0)
    assert q.vmem_size("vm0") == 0 and vmem_info(q)["masks"] == {}
    mmverify(q)
