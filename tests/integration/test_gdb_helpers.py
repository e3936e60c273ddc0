"""Issue 8: the gdb helpers of scripts/hotmem-gdb.py against a running kernel.

- A batch gdb session stops inside an offline (QMP device_del -> SCI -> Notify -> eject ->
  mm_offline_range -> hp_cage_locked): hm-sections shows the DIMM's sections caged, hm-dimms
  the device ejecting, hm-frame a held block; `continue` lets the eject finish (DEVICE_DELETED).
- hm-sections / hm-buddyinfo / hm-mem / hm-dimms / hm-trace print exactly what the shell's
  sections / buddyinfo / mem / dimms / trace print at the same moment: gdb stops on
  shell_run_command for each command, runs the helper, continues, and the shell runs the command.
"""

import re

from harness import ELF, MiB, Gdb, dimm_addresses
from harness.skip import require

SECTION_SHIFT = 27  # include/hotmem/params.h
DIMM_SIZE = 256 * MiB  # two whole 128 MiB sections after dimm0


def _echo(text):
    return "echo " + text.replace("\\", "\\\\") + "\\n"  # gdb's echo takes C escapes


def show(cmd):
    """gdb commands that print cmd's output between markers (see block())."""
    return [_echo(f"=== {cmd}"), cmd, _echo(f"=== end {cmd}")]


def show_err(cmd):
    """Like show(), for a command expected to fail: a gdb error would end the batch script, so it
    runs under Python's try and the message is printed as "error: ..." inside the markers."""
    return [_echo(f"=== {cmd}"), "python",
            "try:",
            f"    gdb.execute({cmd!r})",
            "except gdb.error as e:",
            "    print('error:', e)",
            "end", _echo(f"=== end {cmd}")]


def block(g, cmd, timeout=120):
    """The output of a show(cmd) in gdb's output (next occurrence)."""
    rx = re.compile(rf"^=== {re.escape(cmd)}\n(.*?)^=== end {re.escape(cmd)}\n", re.M | re.S)
    return g.wait_for(rx, timeout).group(1)


def sections_by_idx(text):
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^section idx=(\d+) .*? state=(\w+) ", text, re.M)}


def wait_added(q, dev_id, timeout=60):
    """Waits for the kernel's _OST(1 = device check, 0 = success) on a hot-added DIMM (QMP event)."""
    return q.qmp.wait_event("ACPI_DEVICE_OST", timeout,
                            lambda e: e["data"]["info"].get("device") == dev_id
                            and e["data"]["info"].get("source") == 1)


def test_gdb_stops_inside_offline_and_sees_cage(make_qemu):
    require(ELF)
    q = make_qemu(gdb=True)
    base = dimm_addresses(q.cfg, [DIMM_SIZE])[-1]
    first, last = base >> SECTION_SHIFT, (base + DIMM_SIZE - 1) >> SECTION_SHIFT
    probe = base + DIMM_SIZE // 2  # past the DIMM's own memmap: a free (held) block while caged
    # hp_cage_locked is where mm_offline_range cages the range (subsection by subsection, then
    # the per-CPU caches drained); `finish` returns to mm_offline_range right after it, with the
    # sections caged and the offline still running.
    cmds = ["break hp_cage_locked", "continue", "bt", "finish",
            *show("hm-sections"), *show("hm-buddyinfo"), *show("hm-mem"), *show("hm-dimms"),
            *show(f"hm-frame -pa {probe:#x}"), *show("hm-trace"),
            "delete", "continue"]
    g = Gdb(q, cmds).start()
    try:
        q.wait_prompt(timeout=90)
        q.hot_add_dimm("dimm1", DIMM_SIZE, node=1)
        wait_added(q, "dimm1")
        assert q.memory_devices()["dimm1"]["addr"] == base
        slot = q.memory_devices()["dimm1"]["slot"]
        assert {i: sections_by_idx(q.cmd("sections")).get(i) for i in (first, last)} == \
            {first: "online", last: "online"}

        q.qmp.execute("device_del", id="dimm1")
        g.wait_for(r"^Breakpoint \d+, (0x[0-9a-f]+ in )?hp_cage_locked \(", timeout=60)
        bt = g.wait_for(r"^#1 .*$", timeout=30).group(0)
        assert "mm_offline_range" in bt, bt
        taken = int(g.wait_for(r"^Value returned is \$\d+ = (\d+)", timeout=30).group(1))  # finish: pages caged
        assert taken > 0

        states = sections_by_idx(block(g, "hm-sections"))
        for idx in range(first, last + 1):
            assert states.get(idx) == "caged", (idx, states)
        assert [i for i, st in states.items() if st == "caged"] == list(range(first, last + 1)), states
        assert re.search(r"^buddyinfo node=1 zone=movable( \d+){10}$", block(g, "hm-buddyinfo"), re.M)
        mem = block(g, "hm-mem")
        caged = int(re.search(r"^mem total .* caged=(\d+) ", mem, re.M).group(1))
        assert caged == taken, (taken, mem)  # the held pages of this cage, the only one
        dimms = block(g, "hm-dimms")
        assert re.search(rf"^slot={slot} sta=0x[0-9a-f]+ base={base:#x} size={DIMM_SIZE:#x} node=1 state=ejecting ",
                         dimms, re.M), dimms
        frame = block(g, f"hm-frame -pa {probe:#x}")
        assert f"pfn={probe >> 12:#x} " in frame and "sub_state=caged" in frame, frame
        assert "held by a cage" in frame, frame
        # the DIMM's online is in the ring, its cage not yet: mm_offline_range records the cage
        # event after hp_cage_locked returns, which is where gdb stands
        trace = block(g, "hm-trace").splitlines()
        on = [i for i, line in enumerate(trace) if re.search(rf" online +a={base:#x} b={DIMM_SIZE:#x} ", line)]
        assert on, trace
        assert not [line for line in trace[on[-1]:] if re.search(rf" (cage|offline) +a={base:#x} ", line)], trace

        # gdb continues: the offline completes, _EJ0, QEMU unplugs the DIMM
        q.qmp.wait_event("DEVICE_DELETED", 60, lambda e: e.get("data", {}).get("device") == "dimm1")
        q.qmp.execute("object-del", id="mem-dimm1")
        assert re.search(rf"^slot={slot} sta=0x0 .* state=absent ", q.cmd("dimms"), re.M)
        after = sections_by_idx(q.cmd("sections"))
        assert not any(first <= i <= last for i in after), after
        assert "dimm1" not in q.memory_devices()
    finally:
        g.close()


def test_helpers_match_shell_output(make_qemu):
    """Each hm-* helper, run while the kernel is stopped at the start of the matching shell
    command, prints exactly what that command prints (compared character for character)."""
    require(ELF)
    q = make_qemu(gdb=True)
    pairs = [("sections", "hm-sections"), ("buddyinfo", "hm-buddyinfo"), ("mem", "hm-mem"),
             ("dimms", "hm-dimms"), ("trace", "hm-trace")]
    rounds = 2  # with a hot-added DIMM, then after its removal
    cmds = ["break shell_run_command", "continue"]
    for _ in range(rounds):
        for _, helper in pairs:
            cmds += [*show(helper), "continue"]
    g = Gdb(q, cmds).start()
    try:
        q.wait_prompt(timeout=90)
        q.hot_add_dimm("dimm1", DIMM_SIZE, node=1)
        wait_added(q, "dimm1")
        for rnd in range(rounds):
            if rnd == 1:
                q.hot_remove_dimm("dimm1")
                q.wait_for(r"slot \d+ ejected", timeout=30)  # the last log line of the eject
            for shell_cmd, helper in pairs:
                shell_out = q.cmd(shell_cmd, timeout=120)
                gdb_out = block(g, helper).rstrip("\n")
                assert shell_out, f"`{shell_cmd}` printed nothing"
                assert not shell_out.startswith("error:"), shell_out
                assert gdb_out == shell_out, \
                    f"round {rnd}: {helper} differs from `{shell_cmd}`:\n--- gdb\n{gdb_out}\n--- shell\n{shell_out}"
    finally:
        g.close()


def test_hm_aml_and_frame(make_qemu):
    """hm-aml resolves namespace paths (with or without the root backslash, short segments padded
    with '_'); hm-frame decodes a boot frame and reports absent memory."""
    require(ELF)
    q = make_qemu(gdb=True)
    cmds = ["break shell_run_command", "continue",
            *show("hm-aml \\_SB.MHPC"), *show("hm-aml _SB.MHPC.MP00"), *show("hm-aml \\_GPE._E03"),
            *show_err("hm-aml \\_SB.NOPE"), *show("hm-frame 0"), *show("hm-frame 2 - 2"), *show("hm-frame 0xfffffff"),
            *show("hm-trace 1"), "continue"]
    g = Gdb(q, cmds).start()
    try:
        q.wait_prompt(timeout=90)
        q.cmd("version", timeout=120)
        mhpc = block(g, "hm-aml \\_SB.MHPC")
        assert re.match(r"^\\_SB_\.MHPC node=0x[0-9a-f]+ type=device ", mhpc), mhpc
        kids = re.search(r"^  children \(\d+\): (.*)$", mhpc, re.M).group(1).split()
        assert "MP00:device" in kids and "MSCN:method" in kids, mhpc
        mp00 = block(g, "hm-aml _SB.MHPC.MP00")
        assert mp00.startswith("\\_SB_.MHPC.MP00 "), mp00
        assert re.search(r"\b_EJ0:method\b", mp00) and re.search(r"\b_CRS:method\b", mp00), mp00
        e03 = block(g, "hm-aml \\_GPE._E03")
        assert re.search(r"^\s+method \(refs=\d+\) args=0 ", e03, re.M), e03
        assert block(g, "hm-aml \\_SB.NOPE").startswith("error: hm-aml: \\_SB.NOPE: no node NOPE under \\_SB_")
        f0 = block(g, "hm-frame 0")
        assert f0.startswith("frame pfn=0x0 pa=0x0 ") and "owner=" in f0 and "block pfn=0x0-" in f0, f0
        assert block(g, "hm-frame 2 - 2") == f0  # the argument is a gdb expression
        assert "absent" in block(g, "hm-frame 0xfffffff")
    finally:
        g.close()


def test_helpers_work_anywhere(make_qemu):
    """The helpers only read memory, so they work before mm and ACPI are up (kmain's first line)
    and in interrupt context (the SCI handler of a hot-add): no Python error anywhere."""
    require(ELF)
    q = make_qemu(gdb=True)
    helpers = ["hm-sections", "hm-buddyinfo", "hm-mem", "hm-dimms", "hm-trace", "hm-frame 0x100", "hm-aml \\_SB"]
    cmds = []
    for h in helpers:
        cmds += show_err(h)
    cmds += ["break acpi_events_sci", "continue", "bt 1"]
    for h in helpers:
        cmds += show_err(h)
    cmds += ["delete", "continue"]
    g = Gdb(q, cmds).start()  # hotmem.gdb stops at kmain's first line first
    try:
        # before anything is initialized: empty tables, a clear error for the AML namespace
        # (blocks are read in the order gdb prints them)
        assert block(g, "hm-sections") == "" and block(g, "hm-buddyinfo") == ""
        assert block(g, "hm-mem") == "mem total present=0 online=0 free=0 kernel=0 movable=0 caged=0 free_mib=0 user=0\n"
        assert block(g, "hm-dimms") == "" and block(g, "hm-trace") == ""
        assert "absent" in block(g, "hm-frame 0x100")
        assert block(g, "hm-aml \\_SB").startswith("error: hm-aml: aml_root is NULL")

        q.wait_prompt(timeout=90)
        q.hot_add_dimm("dimm1", DIMM_SIZE, node=1)
        g.wait_for(r"^#0 +acpi_events_sci \(", timeout=60)
        states = sections_by_idx(block(g, "hm-sections"))
        assert states and set(states.values()) == {"online"}, states
        assert re.search(r"^buddyinfo node=0 zone=normal( \d+){10}$", block(g, "hm-buddyinfo"), re.M)
        assert re.search(r"^mem total present=[1-9]", block(g, "hm-mem"), re.M)
        assert re.search(r"^slot=0 sta=0xf .* state=online ", block(g, "hm-dimms"), re.M)
        assert re.search(r"^ +1 +\d+\.\d{6} \S+ +a=0x", block(g, "hm-trace"), re.M)
        assert "sub_state=online" in block(g, "hm-frame 0x100")
        assert block(g, "hm-aml \\_SB").startswith("\\_SB_ node=0x")
        wait_added(q, "dimm1")  # gdb continued: the hot-add completes
        assert "Python Exception" not in g.output and "Traceback" not in g.output, g.output
    finally:
        g.close()
